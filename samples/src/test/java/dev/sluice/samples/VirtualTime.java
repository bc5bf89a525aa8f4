package dev.sluice.samples;

import dev.sluice.core.Sluice;
import dev.sluice.testkit.VirtualClock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Runs a sample on a {@link VirtualClock}: backoff, leases and simulated work pass as the test advances it. */
public final class VirtualTime {
    private static final Duration STEP = Duration.ofMillis(100);
    private static final Duration WALL_BOUND = Duration.ofSeconds(60);
    /** How long a step waits, in wall time, for the handlers, hand-offs and acks of the last one to settle. */
    private static final Duration SETTLE_BOUND = Duration.ofMillis(500);

    public final VirtualClock clock = new VirtualClock();
    public final Progress progress = new Progress();

    /** A Sluice on this clock that counts into {@link #progress}. */
    public Sluice sluice() {
        return progress.countPublishes(Sluice.builder().scheduler(clock)).build();
    }

    /**
     * Advances the clock in small steps until every published event is handled. Before each step it waits (in
     * wall time, up to {@link #SETTLE_BOUND}) until every message received and not settled is inside a handler, so
     * virtual time does not run on while a message waits for a handler thread or a finished one for its ack (a
     * lease would end meanwhile that no real clock would end). Bounded by wall time; asserts nothing about timing.
     */
    public void runUntilIdle() throws InterruptedException {
        long deadline = System.nanoTime() + WALL_BOUND.toNanos();
        while (!progress.isIdle()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not idle after " + WALL_BOUND + " of wall time: " + progress.line());
            }
            clock.advance(STEP);
            TimeUnit.MILLISECONDS.sleep(2);
            long settle = System.nanoTime() + SETTLE_BOUND.toNanos();
            while (!progress.nothingBetweenHandlers() && System.nanoTime() < settle) TimeUnit.MILLISECONDS.sleep(1);
        }
    }
}
