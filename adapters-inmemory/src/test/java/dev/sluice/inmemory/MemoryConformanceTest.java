package dev.sluice.inmemory;

import dev.sluice.QueueSpec;
import dev.sluice.core.Sluice;
import dev.sluice.testkit.ConformanceHarness;
import dev.sluice.testkit.ConformanceSuite;
import dev.sluice.testkit.VirtualClock;
import java.time.Duration;
import java.util.Set;

/**
 * The in-memory broker passes the whole conformance suite, both halves, on a virtual clock. Its queues exist
 * as soon as they are named (so the missing-queue cases are skipped); a stale ack is reported as
 * {@code NOT_FOUND}; {@code unwrap} hands out the {@link MemoryQueue} and the {@link MemoryBroker}.
 */
class MemoryConformanceTest extends ConformanceSuite {

    @Override
    protected ConformanceHarness createHarness() {
        VirtualClock clock = new VirtualClock();
        Sluice sluice = Sluice.builder().scheduler(clock).build();
        return new ConformanceHarness() {
            @Override
            public Sluice sluice() {
                return sluice;
            }

            @Override
            public QueueSpec.Builder newQueue(String name, boolean ordered) {
                return QueueSpec.builder("mem://" + name);
            }

            @Override
            public void advance(Duration duration) {
                clock.advance(duration);
            }

            @Override
            public boolean virtualTime() {
                return true;
            }

            @Override
            public Set<Class<?>> unwrapTypes() {
                return Set.of(MemoryQueue.class, MemoryBroker.class);
            }

            @Override
            public boolean queuesCanBeMissing() {
                return false;
            }

            @Override
            public void close() {
                sluice.close();
            }
        };
    }
}
