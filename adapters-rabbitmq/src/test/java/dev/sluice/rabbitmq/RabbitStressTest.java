package dev.sluice.rabbitmq;

import dev.sluice.QueueSpec;
import dev.sluice.RetryPolicy;
import dev.sluice.core.Sluice;
import dev.sluice.testkit.StressRun;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 15's stress test, as SQS FIFO's ({@link StressRun#standard()}: 2,000 events, 10 % of handler calls fail,
 * at most 3 attempts), retries after 100 ms through the retry queue {@code <q>.retry.100}. An event is dead-lettered
 * if and only if its handler failed 3 times, always by Sluice with its reason (never by the broker's delivery
 * limit); every other event is handled exactly once; the two add up to 2,000.
 */
class RabbitStressTest {

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void deadLettersExactlyTheEventsThatFailedThreeTimesAndHandlesEveryOtherOnce() throws Exception {
        try (RabbitBroker broker = RabbitBroker.start("stress"); Sluice sluice = Sluice.create()) {
            QueueSpec spec = QueueSpec.builder(broker.uri("stress")).maxDeliveryAttempts(3)
                    .retryPolicy(RetryPolicy.fixed(Duration.ofMillis(100))).lease(Duration.ofSeconds(30)).concurrency(20).build();
            System.err.println("RABBITMQ STRESS: " + StressRun.standard().run(sluice, spec, Duration.ofSeconds(90)));
        }
    }
}
