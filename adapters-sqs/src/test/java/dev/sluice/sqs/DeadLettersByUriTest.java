package dev.sluice.sqs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.ConfigurationException;
import dev.sluice.DeadLetter;
import dev.sluice.DeadLetterReason;
import dev.sluice.PermanentFailureException;
import dev.sluice.QueueSpec;
import dev.sluice.core.DeadLetters;
import dev.sluice.core.Sluice;
import dev.sluice.testkit.Await;
import dev.sluice.worker.Worker;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An operator who knows only a deployed queue's URI peeks at and redrives its dead letters, although the queue
 * was provisioned with attempts the operator's default spec contradicts.
 */
class DeadLettersByUriTest {
    private static ElasticMq mq;

    @BeforeAll
    static void start() {
        mq = ElasticMq.start();
    }

    @AfterAll
    static void stop() {
        mq.close();
    }

    @Test
    void peekAndRedriveNeedOnlyTheQueuesUri() throws Exception {
        QueueSpec deployed = QueueSpec.builder("sqs://dl-by-uri").maxDeliveryAttempts(2).build();
        AtomicInteger calls = new AtomicInteger();
        try (Sluice app = mq.sluice();
             Worker worker = app.worker(deployed).on("job", (e, d) -> {
                 if (calls.incrementAndGet() == 1) throw new PermanentFailureException("bad job");
             }).start()) {
            app.publisher(deployed.uri()).publish("job", Map.of("n", 1)).join();
            Await.until("the job dead-lettered", () -> deadLetterCount(app, deployed) == 1);

            try (Sluice ops = mq.sluice()) {
                assertThatThrownBy(() -> ops.deadLetters(QueueSpec.of("sqs://dl-by-uri")).peek(1))
                        .isInstanceOf(ConfigurationException.class).hasMessageContaining("maxReceiveCount");

                DeadLetters dead = ops.deadLetters(URI.create("sqs://dl-by-uri"));
                List<DeadLetter> peeked = dead.peek(10);
                assertThat(peeked).hasSize(1);
                assertThat(peeked.get(0).reason()).map(DeadLetterReason::cause).contains(DeadLetterReason.Cause.PERMANENT_FAILURE);
                assertThat(peeked.get(0).event().getType()).isEqualTo("job");

                DeadLetters.RedriveResult result = dead.redriveAll();
                assertThat(result.moved()).isEqualTo(1);
            }
            Await.until("the redriven job handled", () -> calls.get() == 2);
            assertThat(app.deadLetters(deployed).peek(1)).isEmpty();
        }
    }

    private static int deadLetterCount(Sluice sluice, QueueSpec spec) {
        try {
            return sluice.deadLetters(spec).peek(10).size();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
