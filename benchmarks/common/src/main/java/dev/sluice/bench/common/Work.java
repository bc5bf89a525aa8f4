package dev.sluice.bench.common;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Counts handled messages and times the first and the expected-th (as the harness's {@code Work}). */
public final class Work {
    private final int expected;
    private final long sleepMillis;
    private final AtomicInteger handled = new AtomicInteger();
    private final AtomicLong first = new AtomicLong();
    private volatile long last;
    private final CountDownLatch done;

    public Work(int expected, int sleepMillis) {
        this.expected = expected;
        this.sleepMillis = sleepMillis;
        this.done = new CountDownLatch(expected);
    }

    /** One handled message: sleeps the handler time, then counts it. */
    public void handle() {
        if (sleepMillis > 0) {
            try {
                Thread.sleep(sleepMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        long now = System.nanoTime();
        first.compareAndSet(0, now);
        int n = handled.incrementAndGet();
        if (n <= expected) {
            if (n == expected) last = now;
            done.countDown();
        }
    }

    public boolean await(long timeout, TimeUnit unit) throws InterruptedException {
        return done.await(timeout, unit);
    }

    /** Messages per second from the first handled message to the expected-th; NaN before that. */
    public double rate() {
        long f = first.get();
        long l = last;
        return f == 0 || l <= f ? Double.NaN : (expected - 1) * 1e9 / (l - f);
    }
}
