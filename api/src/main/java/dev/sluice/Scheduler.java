package dev.sluice;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Time and timers, injected wherever Sluice keeps time (leases, backoff, delays, lease extension), so that a
 * test can swap in a virtual clock and skip a ten-minute backoff in no wall time.
 */
public interface Scheduler extends AutoCloseable {

    /** The current time. */
    Instant now();

    /** Runs {@code task} once after {@code delay}; the returned handle cancels it. */
    Cancellable schedule(Duration delay, Runnable task);

    /** Stops the timers this scheduler owns. */
    @Override
    default void close() {
    }

    /** A scheduled task that can be called off. */
    @FunctionalInterface
    interface Cancellable {
        void cancel();
    }

    /** Wall-clock time with one daemon timer thread. */
    static Scheduler system() {
        return new Scheduler() {
            private final ScheduledThreadPoolExecutor timer = newTimer();

            @Override
            public Instant now() {
                return Instant.now();
            }

            @Override
            public Cancellable schedule(Duration delay, Runnable task) {
                ScheduledFuture<?> f = timer.schedule(task, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
                return () -> f.cancel(false);
            }

            @Override
            public void close() {
                timer.shutdownNow();
            }

            private static ScheduledThreadPoolExecutor newTimer() {
                var t = new ScheduledThreadPoolExecutor(1, r -> {
                    Thread th = Executors.defaultThreadFactory().newThread(r);
                    th.setName("sluice-timer");
                    th.setDaemon(true);
                    return th;
                });
                t.setRemoveOnCancelPolicy(true);
                return t;
            }
        };
    }
}
