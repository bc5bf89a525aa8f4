package dev.sluice.testkit;

import dev.sluice.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Scheduler} whose time moves only when a test says so: {@link #advance(Duration)} runs every timer
 * due within the step, in time order, each at its own time. A ten-minute backoff passes in no wall time.
 * Timers run on the thread that advances; none holds this clock's lock while it runs.
 */
public final class VirtualClock implements Scheduler {
    private final AtomicLong sequence = new AtomicLong();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    private Instant now;

    private final class Timer implements Comparable<Timer>, Cancellable {
        final Instant due;
        final long seq = sequence.incrementAndGet();
        final Runnable task;
        boolean cancelled;

        Timer(Instant due, Runnable task) {
            this.due = due;
            this.task = task;
        }

        @Override
        public int compareTo(Timer o) {
            int c = due.compareTo(o.due);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }

        @Override
        public void cancel() {
            synchronized (VirtualClock.this) {
                cancelled = true;
                timers.remove(this);
            }
        }
    }

    /** A clock starting at {@code start}. */
    public VirtualClock(Instant start) {
        this.now = start;
    }

    /** A clock starting at 2026-01-01T00:00:00Z. */
    public VirtualClock() {
        this(Instant.parse("2026-01-01T00:00:00Z"));
    }

    @Override
    public synchronized Instant now() {
        return now;
    }

    @Override
    public synchronized Cancellable schedule(Duration delay, Runnable task) {
        Timer t = new Timer(now.plus(delay.isNegative() ? Duration.ZERO : delay), task);
        timers.add(t);
        return t;
    }

    /** Moves time forward by {@code step}, running each timer due on the way at its due time. */
    public void advance(Duration step) {
        Instant target;
        synchronized (this) {
            target = now.plus(step);
        }
        while (true) {
            Timer next;
            synchronized (this) {
                next = timers.peek();
                if (next == null || next.due.isAfter(target)) {
                    now = target;
                    return;
                }
                timers.poll();
                if (next.due.isAfter(now)) now = next.due;
            }
            next.task.run();
        }
    }

    /** How many timers are waiting. */
    public synchronized int pendingTimers() {
        return timers.size();
    }
}
