package dev.sluice.samples;

import dev.sluice.core.Sluice;
import dev.sluice.testkit.VirtualClock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Runs a sample on a {@link VirtualClock}: backoff, leases and simulated work pass as the test advances it. */
public final class VirtualTime {
    private static final Duration STEP = Duration.ofMillis(100);
    private static final Duration WALL_BOUND = Duration.ofSeconds(60);

    public final VirtualClock clock = new VirtualClock();
    public final Progress progress = new Progress();

    /** A Sluice on this clock that counts into {@link #progress}. */
    public Sluice sluice() {
        return progress.countPublishes(Sluice.builder().scheduler(clock)).build();
    }

    /**
     * Advances the clock in small steps until every published event is handled; gives the handler threads
     * a moment of wall time after each step. Bounded by wall time; asserts nothing about timing.
     */
    public void runUntilIdle() throws InterruptedException {
        long deadline = System.nanoTime() + WALL_BOUND.toNanos();
        while (!progress.isIdle()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not idle after " + WALL_BOUND + " of wall time: " + progress.line());
            }
            clock.advance(STEP);
            TimeUnit.MILLISECONDS.sleep(2);
        }
    }
}
