package dev.sluice.testkit.pubsub;

import com.google.pubsub.v1.PubsubMessage;
import java.time.Instant;

/**
 * One published message as one subscription sees it: where it is in the subscription's order, how
 * often it has failed, and its current lease when it is out with a subscriber. Guarded by the lock
 * of the {@link SubscriptionState} that owns it.
 */
final class PendingMessage {

    private final long sequence;
    private final PubsubMessage message;
    private final String orderingKey;
    private int failures;
    private Instant availableAt = Instant.MIN;
    private boolean acknowledged;
    private Lease lease;

    /**
     * A delivery that is out with a subscriber: its ack id, when it expires, the timer that expires it,
     * and the streaming-pull session whose flow control counts it (null for unary pull).
     */
    record Lease(String ackId, Instant deadline, TimeSource.Cancellable expiry, StreamingPullSession session) {}

    /** {@code orderingKey} is empty when the subscription does not order messages. */
    PendingMessage(long sequence, PubsubMessage message, String orderingKey) {
        this.sequence = sequence;
        this.message = message;
        this.orderingKey = orderingKey;
    }

    long sequence() {
        return sequence;
    }

    PubsubMessage message() {
        return message;
    }

    /** The ordering key that sequences this message, or empty when it is delivered in no order. */
    String orderingKey() {
        return orderingKey;
    }

    /** Flow-control size: the encoded size of the message. */
    long size() {
        return message.getSerializedSize();
    }

    /** Nacks plus expired deadlines so far; {@code delivery_attempt} is this plus one. */
    int failures() {
        return failures;
    }

    void recordFailure() {
        failures++;
    }

    Instant availableAt() {
        return availableAt;
    }

    void availableAt(Instant instant) {
        availableAt = instant;
    }

    boolean acknowledged() {
        return acknowledged;
    }

    void acknowledged(boolean value) {
        acknowledged = value;
    }

    Lease lease() {
        return lease;
    }

    void lease(Lease value) {
        lease = value;
    }
}
