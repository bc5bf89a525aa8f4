package dev.sluice.testkit.pubsub;

import java.time.Duration;
import java.time.Instant;

/**
 * The server's notion of time: a clock plus a one-shot scheduler on that clock.
 *
 * <p>Ack deadlines, retry backoff and publish times all go through it, so a test can swap the system
 * time source for a {@link ManualTimeSource} and skip a ten-second deadline with one call.
 */
public interface TimeSource {

    /** The current instant on this time source. */
    Instant now();

    /**
     * Runs {@code task} once, {@code delay} after now (on this source's time), on a thread of the
     * source's choosing. Never runs the task on the calling thread.
     */
    Cancellable schedule(Duration delay, Runnable task);

    /** A scheduled task that has not run yet can be cancelled; cancelling later is a no-op. */
    interface Cancellable {
        void cancel();
    }
}
