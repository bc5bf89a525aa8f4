package dev.sluice.kafka;

import dev.sluice.QueueSpec;
import dev.sluice.RetryPolicy;
import dev.sluice.core.Sluice;
import dev.sluice.testkit.StressRun;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 15's stress test in share-group mode ({@link StressRun#standard()}: 2,000 events, 10 % of handler calls fail,
 * at most 3 attempts), retries 200 ms later (held by the driver, then RELEASEd). An event is dead-lettered if and only
 * if its handler failed 3 times, by Sluice with its reason (never archived by the broker: the group's delivery limit is
 * at least 3); every other event is handled exactly once, told the broker's delivery count as its attempt.
 */
class KafkaShareStressTest {

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void deadLettersExactlyTheEventsThatFailedThreeTimesAndHandlesEveryOtherOnce() throws Exception {
        KafkaBroker broker = KafkaBroker.shared();
        try (Sluice sluice = Sluice.create()) {
            QueueSpec spec = QueueSpec.builder(broker.uri("share-stress", "mode=share&partitions=2")).maxDeliveryAttempts(3)
                    .retryPolicy(RetryPolicy.fixed(Duration.ofMillis(200))).lease(Duration.ofSeconds(30)).concurrency(20).build();
            System.err.println("KAFKA SHARE STRESS: " + StressRun.standard().run(sluice, spec, Duration.ofSeconds(120)));
        }
    }
}
