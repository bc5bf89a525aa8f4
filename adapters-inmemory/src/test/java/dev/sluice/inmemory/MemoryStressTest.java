package dev.sluice.inmemory;

import dev.sluice.QueueSpec;
import dev.sluice.RetryPolicy;
import dev.sluice.core.Sluice;
import dev.sluice.testkit.StressRun;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The stress run every driver passes ({@link StressRun#standard()}), on the in-memory broker in real time. */
class MemoryStressTest {

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void deadLettersExactlyTheEventsThatFailedThreeTimesAndHandlesEveryOtherOnce() throws Exception {
        try (Sluice sluice = Sluice.create()) {
            QueueSpec spec = QueueSpec.builder("mem://stress").maxDeliveryAttempts(3)
                    .retryPolicy(RetryPolicy.fixed(Duration.ofMillis(20))).concurrency(20).build();
            System.err.println("MEMORY STRESS: " + StressRun.standard().run(sluice, spec, Duration.ofSeconds(40)));
        }
    }
}
