package dev.sluice.redis;

import dev.sluice.QueueSpec;
import dev.sluice.RetryPolicy;
import dev.sluice.core.Sluice;
import dev.sluice.testkit.StressRun;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 15's stress test, as SQS FIFO's ({@link StressRun#standard()}: 2,000 events, 10 % of handler calls fail,
 * at most 3 attempts), retries 200 ms later through the delayed set. An event is dead-lettered if and only if its
 * handler failed 3 times, with its reason; every other event is handled exactly once; the two add up.
 */
class RedisStressTest {
    private static final String PREFIX = RedisServer.freshPrefix("stress");

    @BeforeAll
    static void redis() {
        RedisServer.require();
    }

    @AfterAll
    static void cleanUp() {
        RedisServer.deleteKeys(PREFIX);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void deadLettersExactlyTheEventsThatFailedThreeTimesAndHandlesEveryOtherOnce() throws Exception {
        try (Sluice sluice = Sluice.create()) {
            QueueSpec spec = QueueSpec.builder(RedisServer.uri(PREFIX + "queue")).maxDeliveryAttempts(3)
                    .retryPolicy(RetryPolicy.fixed(Duration.ofMillis(200))).lease(Duration.ofSeconds(30)).concurrency(20).build();
            System.err.println("REDIS STRESS: " + StressRun.standard().run(sluice, spec, Duration.ofSeconds(90)));
        }
    }
}
