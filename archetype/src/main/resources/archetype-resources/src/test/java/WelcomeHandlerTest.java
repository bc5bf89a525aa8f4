package ${package};

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.DeadLetter;
import dev.sluice.DeadLetterReason;
import dev.sluice.QueueSpec;
import dev.sluice.RetryPolicy;
import dev.sluice.core.Sluice;
import dev.sluice.inmemory.MemoryQueue;
import dev.sluice.testkit.Await;
import dev.sluice.testkit.VirtualClock;
import dev.sluice.worker.Worker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The handler on the in-memory broker and the virtual clock: a 10-second backoff passes in no wall time. */
class WelcomeHandlerTest {
    private static final QueueSpec QUEUE = QueueSpec.builder("mem://welcome-email")
            .maxDeliveryAttempts(3)
            .retryPolicy(RetryPolicy.fixed(Duration.ofSeconds(10)))
            .build();

    @Test
    void aMailerFailureIsRetriedAfterTheBackoffAndABadAddressIsDeadLettered() throws Exception {
        VirtualClock clock = new VirtualClock();
        List<String> sent = new CopyOnWriteArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        Mailer flaky = (to, subject) -> {
            if (calls.incrementAndGet() == 1) throw new IllegalStateException("mail server busy");
            sent.add(to);
        };

        try (Sluice sluice = Sluice.builder().scheduler(clock).build();
             Worker worker = sluice.worker(QUEUE).on(WelcomeHandler.TYPE, SignUp.class, new WelcomeHandler(flaky)).start()) {
            sluice.publisher(QUEUE.uri()).publish(WelcomeHandler.TYPE, new SignUp("ada@example.com", "Ada")).join();
            Await.until("the first attempt failed and waits for its retry", () -> calls.get() == 1 && waiting(sluice) == 1);
            assertTrue(sent.isEmpty());

            clock.advance(Duration.ofSeconds(10));
            Await.until("the retry sent the e-mail", () -> sent.size() == 1);
            assertEquals(List.of("ada@example.com"), sent);

            sluice.publisher(QUEUE.uri()).publish(WelcomeHandler.TYPE, new SignUp("not-an-address", "Bob")).join();
            Await.until("the bad address dead-lettered", () -> deadLetters(sluice).size() == 1);
            DeadLetterReason reason = deadLetters(sluice).get(0).reason().orElseThrow();
            assertEquals(DeadLetterReason.Cause.PERMANENT_FAILURE, reason.cause());
            assertEquals("not an e-mail address: 'not-an-address'", reason.message());
        }
    }

    /** Messages waiting out a retry delay on the in-memory broker. */
    private static long waiting(Sluice sluice) {
        return sluice.unwrap(QUEUE.uri(), MemoryQueue.class).orElseThrow().stats().delayed();
    }

    private static List<DeadLetter> deadLetters(Sluice sluice) {
        try {
            return sluice.deadLetters(QUEUE).peek(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
