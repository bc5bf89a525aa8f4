package dev.sluice.testkit;

import dev.sluice.QueueSpec;
import dev.sluice.Sluice;
import java.time.Duration;

/**
 * What a driver supplies to run the {@link ConformanceSuite}: a {@link Sluice} that can open its URIs, fresh
 * queues, and a way to let time pass. One harness per test class; {@link #close()} releases everything.
 */
public interface ConformanceHarness extends AutoCloseable {

    /** The Sluice the suite publishes and works through. */
    Sluice sluice();

    /**
     * A spec for a fresh, empty queue with its own fresh dead-letter queue, never used by another case.
     * {@code ordered} asks for a queue that keeps per-key order (an SQS FIFO queue, a Pub/Sub subscription
     * with ordering); a harness whose broker has none returns a plain one, and the suite skips what needs it.
     * The suite adds its own settings (attempts, retry policy, lease) to the returned builder.
     */
    QueueSpec.Builder newQueue(String name, boolean ordered);

    /**
     * Lets {@code duration} pass for the broker: advances a virtual clock, or waits in real time for a
     * broker that runs on the wall clock.
     */
    void advance(Duration duration) throws InterruptedException;

    /** The shortest lease the broker supports, used by the lease cases (SQS: 1 s; Pub/Sub: 10 s). */
    default Duration shortLease() {
        return Duration.ofSeconds(2);
    }

    /** Whether time is virtual ({@link #advance} returns at once); real-time harnesses keep delays short. */
    boolean virtualTime();

    @Override
    void close();
}
