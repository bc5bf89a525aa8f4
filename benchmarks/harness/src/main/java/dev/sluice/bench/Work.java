package dev.sluice.bench;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The handler's work and the stopwatch: every contender calls {@link #handle()} once per message. Counts,
 * notes the first and the last handled message, and optionally sleeps (an I/O-bound handler).
 */
public final class Work {
    private final int expected;
    private final long sleepNanos;
    private final AtomicInteger handled = new AtomicInteger();
    private final AtomicLong first = new AtomicLong();
    private volatile long last;
    private final CountDownLatch done;
    /** Runs once, on the thread that handles the first message (e.g. to read CPU counters). */
    private volatile Runnable onFirst;

    public Work(int expected, int sleepMillis) {
        this.expected = expected;
        this.sleepNanos = TimeUnit.MILLISECONDS.toNanos(sleepMillis);
        this.done = new CountDownLatch(expected);
    }

    public void handle() {
        if (sleepNanos > 0) sleep();
        long now = System.nanoTime();
        if (first.compareAndSet(0, now)) {
            Runnable r = onFirst;
            if (r != null) r.run();
        }
        int n = handled.incrementAndGet();
        if (n <= expected) {
            if (n == expected) last = now;
            done.countDown();
        }
    }

    private void sleep() {
        try {
            Thread.sleep(sleepNanos / 1_000_000, (int) (sleepNanos % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LockSupport.parkNanos(sleepNanos);
        }
    }

    public Work onFirst(Runnable r) {
        onFirst = r;
        return this;
    }

    public boolean await(long timeout, TimeUnit unit) throws InterruptedException {
        return done.await(timeout, unit);
    }

    public int handled() {
        return handled.get();
    }

    /** Messages per second from the first handled message to the expected-th one. */
    public double rate() {
        long f = first.get();
        long l = last;
        if (f == 0 || l <= f) return Double.NaN;
        return (expected - 1) * 1e9 / (l - f);
    }

    /** Seconds from {@code startNanos} to the expected-th handled message. */
    public double secondsSince(long startNanos) {
        return (last - startNanos) / 1e9;
    }

    public long lastNanos() {
        return last;
    }
}
