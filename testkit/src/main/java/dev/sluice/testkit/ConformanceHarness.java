package dev.sluice.testkit;

import dev.sluice.QueueSpec;
import dev.sluice.core.Sluice;
import java.time.Duration;
import java.util.Set;

/**
 * What a driver supplies to run the {@link ConformanceSuite}: a {@link Sluice} that can open its URIs, fresh
 * queues, a way to let time pass, and the few facts about the broker the cases cannot read from its
 * {@link dev.sluice.spi.Capabilities}. One harness per test class; {@link #close()} releases everything.
 */
public interface ConformanceHarness extends AutoCloseable {

    /** What a broker does with an ack whose handle's lease ended (the message was received again since). */
    enum StaleAck {
        /** Reported as an {@link dev.sluice.spi.AckFailure} ({@code NOT_FOUND} or {@code INVALID}); the message stays with its current holder. */
        REPORTED,
        /** Accepted and ignored; the message stays with its current holder. */
        IGNORED,
        /** Accepted, and the message is deleted (the current holder's ack then finds it gone). */
        DELETES
    }

    /** The Sluice the suite publishes and works through. */
    Sluice sluice();

    /**
     * A spec for a fresh, empty queue with its own fresh dead-letter queue, never used by another case.
     * {@code ordered} asks for a queue that keeps per-key order (an SQS FIFO queue, a Pub/Sub subscription
     * with ordering); a harness whose broker has none returns a plain one, and the suite skips what needs it.
     * The suite adds its own settings (attempts, retry policy, lease, provisioning) to the returned builder.
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

    /**
     * The types {@link dev.sluice.spi.QueueDriver#unwrap} hands out on a provisioned queue, as the driver's
     * README lists them; the suite checks each, and that an unrelated type gives {@code Optional.empty()}.
     */
    default Set<Class<?>> unwrapTypes() {
        return Set.of();
    }

    /** What this broker does with a stale ack; the suite pins it (see {@link StaleAck}). */
    default StaleAck staleAck() {
        return StaleAck.REPORTED;
    }

    /**
     * Whether a queue can be missing (a broker whose queues exist as soon as they are named, like the
     * in-memory one, says false, and the missing-queue case is skipped with that reason).
     */
    default boolean queuesCanBeMissing() {
        return true;
    }

    @Override
    void close();
}
