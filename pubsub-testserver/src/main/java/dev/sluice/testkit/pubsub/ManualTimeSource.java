package dev.sluice.testkit.pubsub;

import java.time.Duration;
import java.time.Instant;
import java.util.PriorityQueue;

/**
 * A time source that moves only when a test calls {@link #advance(Duration)}.
 *
 * <p>Tasks that fall due run on the thread that calls {@code advance}, in order of due time, after the
 * clock has moved to their due time. Thread-safe.
 */
public final class ManualTimeSource implements TimeSource {

    private record Task(Instant due, long order, Runnable action) {}

    private final PriorityQueue<Task> tasks = new PriorityQueue<>((a, b) -> a.due().equals(b.due())
            ? Long.compare(a.order(), b.order())
            : a.due().compareTo(b.due()));
    private Instant now;
    private long nextOrder;

    /** Starts at {@code start}. */
    public ManualTimeSource(Instant start) {
        this.now = start;
    }

    /** Starts at 2024-01-01T00:00:00Z. */
    public ManualTimeSource() {
        this(Instant.parse("2024-01-01T00:00:00Z"));
    }

    @Override
    public synchronized Instant now() {
        return now;
    }

    @Override
    public synchronized Cancellable schedule(Duration delay, Runnable task) {
        Task entry = new Task(now.plus(delay.isNegative() ? Duration.ZERO : delay), nextOrder++, task);
        tasks.add(entry);
        return () -> {
            synchronized (this) {
                tasks.remove(entry);
            }
        };
    }

    /** Moves the clock forward by {@code amount}, running every task that falls due on the way. */
    public void advance(Duration amount) {
        Instant target;
        synchronized (this) {
            target = now.plus(amount);
        }
        while (true) {
            Task next;
            synchronized (this) {
                next = tasks.peek();
                if (next == null || next.due().isAfter(target)) {
                    now = target;
                    return;
                }
                tasks.poll();
                if (next.due().isAfter(now)) {
                    now = next.due();
                }
            }
            next.action().run();
        }
    }
}
