package dev.sluice.runtime.hosts;

import static dev.sluice.runtime.hosts.Host.QueueSetup.DELAY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.DeadLetterReason;
import dev.sluice.DeadLetterReason.Cause;
import dev.sluice.HandlerTimeoutException;
import dev.sluice.PermanentFailureException;
import dev.sluice.crypto.PayloadEncryption;
import dev.sluice.runtime.hosts.Host.DeadLetterView;
import dev.sluice.runtime.hosts.Host.Msg;
import dev.sluice.runtime.hosts.Host.QueueSetup;
import dev.sluice.runtime.hosts.Host.Result;
import dev.sluice.runtime.hosts.Host.Sent;
import dev.sluice.testkit.Await;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The host contract: the same outcome cases, run against every host (the poller, the Lambda host, the Cloud Run
 * host) through a {@link Host}. Extend it and return the host; every case runs. A case a host cannot express is
 * aborted with the reason, never left out. The handlers are {@link ContractModule}'s; time is a virtual clock.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class HostContract {
    protected Host host;

    /** A new host (not started); each case starts it on its own queue. */
    protected abstract Host createHost() throws Exception;

    @BeforeEach
    void createTheHost() throws Exception {
        host = createHost();
    }

    @AfterEach
    void closeTheHost() {
        if (host != null) host.close();
    }

    // ---- helpers ----------------------------------------------------------------------------------

    private static DeadLetterReason deadLettered(Result r, Cause cause) {
        assertThat(r).as("outcome").isInstanceOf(Result.DeadLettered.class);
        DeadLetterReason reason = ((Result.DeadLettered) r).reason();
        assertThat(reason.cause()).as("dead-letter cause").isEqualTo(cause);
        return reason;
    }

    private static void retried(Result r, Duration delay) {
        assertThat(r).as("outcome").isInstanceOf(Result.Retried.class);
        if (delay != null) assertThat(((Result.Retried) r).delay()).as("retry delay").isEqualTo(delay);
    }

    private DeadLetterView onlyDeadLetter() throws Exception {
        List<DeadLetterView> dead = host.deadLetters();
        assertThat(dead).as("what the dead-letter queue holds").hasSize(1);
        assertThat(dead.get(0).reason()).as("the dead letter carries its reason").isNotNull();
        return dead.get(0);
    }

    // ---- the cases --------------------------------------------------------------------------------

    @Test
    @DisplayName("01 success: acked, handler ran once")
    void success() throws Exception {
        host.start(QueueSetup.defaults());
        Sent m = host.send(Msg.job("ok-1", "ok"));

        assertThat(host.deliver(m)).isInstanceOf(Result.Acked.class);

        assertThat(host.journal().runs("ok-1")).hasSize(1);
        assertThat(host.deadLetters()).isEmpty();
    }

    @Test
    @DisplayName("02 failure: retried with the policy's delay")
    void failureIsRetriedWithThePolicysDelay() throws Exception {
        host.start(QueueSetup.defaults());
        Sent m = host.send(Msg.job("fail-1", "fail"));

        retried(host.deliver(m), DELAY);

        assertThat(host.journal().runs("fail-1")).hasSize(1);
        host.assertRedeliveredAfter(m, DELAY);
        assertThat(host.deadLetters()).isEmpty();
    }

    @Test
    @DisplayName("03 failure on the last attempt: dead-lettered with MAX_ATTEMPTS, the original acked")
    void failureOnTheLastAttemptIsDeadLettered() throws Exception {
        host.start(QueueSetup.defaults().maxAttempts(2).retryDelay(Duration.ZERO));
        Sent m = host.send(Msg.job("last-1", "fail"));

        retried(host.deliver(m), null);
        Result last = host.deliver(m);

        DeadLetterReason reason = deadLettered(last, Cause.MAX_ATTEMPTS);
        assertThat(reason.exception()).isEqualTo(IllegalStateException.class.getName());
        assertThat(reason.message()).isEqualTo("job last-1 failed on purpose");
        assertThat(reason.attempts()).isEqualTo(2);
        assertThat(reason.sourceQueue()).isEqualTo(host.spec().uri().toString());
        assertThat(host.journal().runs("last-1")).hasSize(2);
        DeadLetterView dead = onlyDeadLetter();
        assertThat(dead.eventId()).isEqualTo("last-1");
        assertThat(dead.reason().cause()).isEqualTo(Cause.MAX_ATTEMPTS);
        assertThat(dead.reason().attempts()).isEqualTo(2);
    }

    @Test
    @DisplayName("01e encrypted queue: the handler gets the data decrypted; a dead letter keeps the ciphertext")
    void encryptedEventsAreDecryptedBeforeTheHandler() throws Exception {
        host.start(QueueSetup.defaults().withEncryption());
        Sent ok = host.send(Msg.job("enc-1", "ok"));
        Sent poison = host.send(Msg.job("enc-2", "permanent"));

        assertThat(host.deliver(ok)).isInstanceOf(Result.Acked.class);
        deadLettered(host.deliver(poison), Cause.PERMANENT_FAILURE);

        assertThat(host.journal().runs("enc-1")).as("the handler bound the decrypted job").hasSize(1);
        DeadLetterView dead = onlyDeadLetter();
        assertThat(dead.eventId()).isEqualTo("enc-2");
        assertThat(dead.dataContentType()).as("the dead letter's data").isEqualTo(PayloadEncryption.CONTENT_TYPE);
    }

    @Test
    @DisplayName("04 PermanentFailureException: dead-lettered at once with PERMANENT_FAILURE")
    void permanentFailureIsDeadLetteredAtOnce() throws Exception {
        host.start(QueueSetup.defaults());
        Sent m = host.send(Msg.job("poison-1", "permanent"));

        DeadLetterReason reason = deadLettered(host.deliver(m), Cause.PERMANENT_FAILURE);

        assertThat(reason.exception()).isEqualTo(PermanentFailureException.class.getName());
        assertThat(reason.message()).isEqualTo("job poison-1 can never succeed");
        assertThat(reason.attempts()).isEqualTo(1);
        assertThat(host.journal().runs("poison-1")).hasSize(1);
        assertThat(onlyDeadLetter().eventId()).isEqualTo("poison-1");
    }

    @Test
    @DisplayName("05 undecodable message: dead-lettered with UNDECODABLE")
    void undecodableMessageIsDeadLettered() throws Exception {
        host.start(QueueSetup.defaults());
        Sent m = host.sendUndecodable("bad-1");

        DeadLetterReason reason = deadLettered(host.deliver(m), Cause.UNDECODABLE);

        assertThat(reason.message()).contains("ce-id");
        assertThat(host.journal().runs()).isEmpty();
        DeadLetterView dead = onlyDeadLetter();
        assertThat(dead.eventId()).as("still not a CloudEvent").isNull();
        assertThat(dead.reason().cause()).isEqualTo(Cause.UNDECODABLE);
    }

    @Test
    @DisplayName("06 unknown type: dead-lettered with UNKNOWN_TYPE")
    void unknownTypeIsDeadLettered() throws Exception {
        host.start(QueueSetup.defaults());
        Sent m = host.send(new Msg("nobody-1", ContractModule.NOBODY, ContractModule.Job.of("ok"), null));

        DeadLetterReason reason = deadLettered(host.deliver(m), Cause.UNKNOWN_TYPE);

        assertThat(reason.message()).contains(ContractModule.NOBODY);
        assertThat(host.journal().runs()).isEmpty();
        assertThat(onlyDeadLetter().eventId()).isEqualTo("nobody-1");
    }

    @Test
    @DisplayName("07 a handler throwing an Error is routed by the retry policy; the rest of its batch succeeds")
    void errorsAreRoutedByTheRetryPolicy() throws Exception {
        host.start(QueueSetup.defaults().maxAttempts(2));
        List<Sent> first = host.send(List.of(Msg.job("ncdf-1", "no-class-def"), Msg.job("fine-1", "ok")));

        List<Result> results = host.deliverBatch(first);

        retried(results.get(0), DELAY);
        assertThat(results.get(1)).as("the other record of the batch").isInstanceOf(Result.Acked.class);
        assertThat(host.journal().runs("fine-1")).hasSize(1);

        host.start(QueueSetup.defaults().maxAttempts(1));
        List<Sent> last = host.send(List.of(Msg.job("soe-1", "stack-overflow"), Msg.job("ncdf-2", "no-class-def"),
                Msg.job("fine-2", "ok")));

        List<Result> onLastAttempt = host.deliverBatch(last);

        DeadLetterReason overflow = deadLettered(onLastAttempt.get(0), Cause.MAX_ATTEMPTS);
        assertThat(overflow.exception()).isEqualTo(StackOverflowError.class.getName());
        assertThat(overflow.message()).isEqualTo("job soe-1 recursed too deep");
        assertThat(overflow.attempts()).isEqualTo(1);
        assertThat(deadLettered(onLastAttempt.get(1), Cause.MAX_ATTEMPTS).exception()).isEqualTo(NoClassDefFoundError.class.getName());
        assertThat(onLastAttempt.get(2)).isInstanceOf(Result.Acked.class);
        assertThat(host.deadLetters()).extracting(DeadLetterView::eventId).containsExactlyInAnyOrder("soe-1", "ncdf-2");
    }

    @Test
    @DisplayName("08 the dead-letter queue refuses: the message is retried, not lost, not acked")
    void unreachableDeadLetterQueueMeansRetry() throws Exception {
        host.start(QueueSetup.defaults().withRefusingDlq());
        Sent m = host.send(Msg.job("poison-2", "permanent"));

        retried(host.deliver(m), DELAY);

        assertThat(host.log().all()).as("the host tried the dead-letter queue")
                .anyMatch(c -> c.kind() == BrokerLog.Kind.REFUSED && c.messageId().equals(m.messageId())
                        && c.reason().map(DeadLetterReason::cause).orElse(null) == Cause.PERMANENT_FAILURE);
        assertThat(host.deadLetters()).isEmpty();
        host.assertStillQueued(m);
    }

    @Test
    @DisplayName("09 a long handler: lease extended (or the host says it cannot); past the handler timeout it is interrupted and its attempt fails")
    void longHandlerLeaseAndHandlerTimeout() throws Exception {
        Duration lease = Duration.ofSeconds(60);
        host.start(QueueSetup.defaults().maxAttempts(1).lease(lease));
        Sent m = host.send(Msg.job("slow-1", "slow"));

        CompletableFuture<Result> outcome = host.deliverAsync(m);
        Await.until("the slow handler started", () -> host.journal().runs("slow-1").size() == 1);
        Journal.Run run = host.journal().runs("slow-1").get(0);
        long started = host.log().mark();
        host.clock().advance(lease.plusSeconds(1));

        List<BrokerLog.Call> extensions = host.log().since(started).stream()
                .filter(c -> c.kind() == BrokerLog.Kind.EXTEND && c.messageId().equals(m.messageId())).toList();
        if (host.canExtendLease()) {
            assertThat(run.leaseExtended()).as("Delivery.extendLease").isTrue();
            assertThat(extensions).as("lease extensions while the handler ran past its lease").isNotEmpty()
                    .allMatch(c -> c.duration().equals(lease));
        } else {
            assertThat(run.leaseExtended()).as("Delivery.extendLease on a host that cannot").isFalse();
            assertThat(extensions).isEmpty();
        }
        assertThat(outcome).as("the handler is still running").isNotDone();

        host.clock().advance(host.spec().handlerTimeout().minus(lease.plusSeconds(1)));

        DeadLetterReason reason = deadLettered(outcome.get(30, TimeUnit.SECONDS), Cause.MAX_ATTEMPTS);
        assertThat(reason.exception()).isEqualTo(HandlerTimeoutException.class.getName());
        assertThat(host.journal().interrupted()).containsExactly("slow-1");
        assertThat(host.journal().runs("slow-1")).as("never delivered twice").hasSize(1);
    }

    @Test
    @DisplayName("10 follow-ups are published before the source is acked; a failing follow-up retries the source")
    void followUpsBeforeTheAck() throws Exception {
        host.start(QueueSetup.defaults());
        Sent m = host.send(Msg.job("emit-1", "emit"));

        Result acked = host.deliver(m);

        assertThat(acked).isInstanceOf(Result.Acked.class);
        List<BrokerLog.Call> followUps = host.log().all().stream()
                .filter(c -> c.kind() == BrokerLog.Kind.SEND && c.carriesType(ContractModule.FOLLOW_UP)).toList();
        assertThat(followUps).as("follow-ups published").hasSize(1);
        assertThat(followUps.get(0).queue()).isEqualTo(host.spec().uri());
        assertThat(followUps.get(0).seq()).as("the follow-up is published before the source is acked").isLessThan(acked.seq());

        String refusing = host.queueUri("follow-ups-" + BrokerLog.REFUSING);
        Sent n = host.send(new Msg("emit-2", ContractModule.JOB, new ContractModule.Job("emit-to", refusing), null));

        retried(host.deliver(n), DELAY);

        assertThat(host.log().all()).as("the follow-up was tried")
                .anyMatch(c -> c.kind() == BrokerLog.Kind.REFUSED && c.carriesType(ContractModule.FOLLOW_UP));
        assertThat(host.journal().runs("emit-2")).hasSize(1);
        assertThat(host.deadLetters()).isEmpty();
        host.assertStillQueued(n);
    }

    @Test
    @DisplayName("12 observed: 10 handled, 3 retried then handled, 2 dead-lettered report the same events on every host")
    void theSameRunReportsTheSameEvents() throws Exception {
        host.start(QueueSetup.defaults().retryDelay(Duration.ZERO));
        List<Msg> run = new java.util.ArrayList<>();
        for (int i = 0; i < 10; i++) run.add(Msg.job("obs-ok-" + i, "ok"));
        for (int i = 0; i < 3; i++) run.add(Msg.job("obs-flaky-" + i, "fail-once"));
        for (int i = 0; i < 2; i++) run.add(Msg.job("obs-doomed-" + i, "permanent"));
        for (Msg msg : run) { // one message on the queue at a time: a host's receive meets no other
            Sent m = host.send(msg);
            Result first = host.deliver(m);
            if (msg.job().act().equals("fail-once")) {
                retried(first, null);
                assertThat(host.deliver(m)).isInstanceOf(Result.Acked.class);
            }
        }

        java.util.Map<String, Long> expected = java.util.Map.of("Received", 18L, "HandlerStarted", 18L,
                "HandlerFinished", 18L, "Acked", 13L, "RetryScheduled", 3L, "DeadLettered", 2L);
        Await.until("the 18 deliveries reported", () -> expected.equals(onMessageCounts()));
        assertThat(host.events()).filteredOn(e -> e instanceof dev.sluice.observe.SluiceEvent.RetryScheduled)
                .extracting(e -> ((dev.sluice.observe.SluiceEvent.RetryScheduled) e).eventId())
                .containsExactlyInAnyOrder("obs-flaky-0", "obs-flaky-1", "obs-flaky-2");
        assertThat(host.events()).filteredOn(e -> e instanceof dev.sluice.observe.SluiceEvent.Acked)
                .extracting(e -> ((dev.sluice.observe.SluiceEvent.Acked) e).attempt())
                .as("the flaky ones acked on their second attempt").containsOnly(1, 2).filteredOn(a -> a == 2).hasSize(3);
        assertThat(host.events()).allSatisfy(e -> assertThat(e.queue()).isIn(host.spec().uri(), deadLetterQueue()));
    }

    private java.util.Map<String, Long> onMessageCounts() {
        return host.events().stream().filter(e -> e instanceof dev.sluice.observe.SluiceEvent.OnMessage)
                .collect(java.util.stream.Collectors.groupingBy(e -> e.getClass().getSimpleName(),
                        java.util.stream.Collectors.counting()));
    }

    private java.net.URI deadLetterQueue() {
        return host.spec().deadLetterUri() != null ? host.spec().deadLetterUri() : host.spec().uri();
    }

    @Test
    @DisplayName("11 FIFO: the first failure stops the batch; the later records are given back unhandled and do not count as attempts")
    void fifoBatchStopsAtTheFirstFailure() throws Exception {
        host.assumeFifoBatches();
        host.start(QueueSetup.defaults().ordered().maxAttempts(2).retryDelay(Duration.ZERO));
        List<Sent> sent = host.send(List.of(Msg.job("f1", "ok").key("g"), Msg.job("f2", "fail").key("g"),
                Msg.job("f3", "fail").key("g")));
        Sent f1 = sent.get(0);
        Sent f2 = sent.get(1);
        Sent f3 = sent.get(2);

        List<Result> first = host.deliverBatch(sent);

        assertThat(first.get(0)).isInstanceOf(Result.Acked.class);
        retried(first.get(1), null);
        retried(first.get(2), Duration.ZERO);
        assertThat(host.journal().runs("f3")).as("f3 given back unhandled")
                .noneMatch(r -> r.seq() < first.get(2).seq());

        List<Result> second = host.deliverBatch(List.of(f2, f3));

        assertThat(deadLettered(second.get(0), Cause.MAX_ATTEMPTS).attempts()).isEqualTo(2);
        retried(second.get(1), null);
        List<Journal.Run> f3Runs = host.journal().runs("f3").stream().filter(r -> r.seq() < second.get(1).seq()).toList();
        assertThat(f3Runs).as("f3 handled once: its give-back was not an attempt, so this was its first, not its last")
                .hasSize(1);
        assertThat(f3Runs.get(0).attempt()).as("the attempt f3's handler is told").isEqualTo(1);

        Result third = host.deliver(f3);
        DeadLetterReason reason = deadLettered(third, Cause.MAX_ATTEMPTS);
        assertThat(reason.attempts()).isEqualTo(2);
        assertThat(host.journal().runs("f3")).hasSize(2);
        assertThat(host.journal().runs(f1.eventId())).hasSize(1);
        assertThat(host.deadLetters()).extracting(DeadLetterView::eventId).containsExactlyInAnyOrder("f2", "f3");
    }
}
