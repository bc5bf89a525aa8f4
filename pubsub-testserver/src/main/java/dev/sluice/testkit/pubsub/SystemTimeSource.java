package dev.sluice.testkit.pubsub;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The default time source: one daemon timer thread, shut down by {@link #close()}, and a clock that is
 * the system time at start plus {@link System#nanoTime()} since. The timer runs on {@code nanoTime} too,
 * so a task never finds the clock short of the instant it was scheduled for, as it could if the wall
 * clock were stepped or slewed.
 */
final class SystemTimeSource implements TimeSource, AutoCloseable {

    private final Instant origin = Instant.now();
    private final long originNanos = System.nanoTime();
    private final ScheduledThreadPoolExecutor timer;

    SystemTimeSource() {
        timer = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "pubsub-testserver-timer");
            thread.setDaemon(true);
            return thread;
        });
        timer.setRemoveOnCancelPolicy(true);
    }

    @Override
    public Instant now() {
        return origin.plusNanos(System.nanoTime() - originNanos);
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        ScheduledFuture<?> future = timer.schedule(task, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
        return () -> future.cancel(false);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
