package dev.sluice.inmemory;

import dev.sluice.QueueSpec;
import dev.sluice.Sluice;
import dev.sluice.testkit.ConformanceHarness;
import dev.sluice.testkit.ConformanceSuite;
import dev.sluice.testkit.VirtualClock;
import java.time.Duration;

/** The in-memory broker passes the whole conformance suite, on a virtual clock. */
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
            public void close() {
                sluice.close();
            }
        };
    }
}
