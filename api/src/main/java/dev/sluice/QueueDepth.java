package dev.sluice;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What a broker can tell of a queue's backlog now: messages visible (waiting to be received), in flight
 * (received, not yet acked), delayed (not visible yet), and the age of the oldest message. A reading the
 * broker does not give is empty, and {@code note} says why and where to read it instead (SQS keeps the
 * oldest message's age in CloudWatch only; Pub/Sub keeps its backlog in Cloud Monitoring only). Counts are
 * approximate on brokers that say so (SQS).
 *
 * @param queue     the queue
 * @param visible   messages waiting to be received
 * @param inFlight  messages received and not yet acknowledged
 * @param delayed   messages not visible yet (a delay, or a retry's backoff)
 * @param oldestAge how long the oldest message has been in the queue
 * @param note      what this broker cannot tell and where to read it, or empty
 */
public record QueueDepth(URI queue, OptionalLong visible, OptionalLong inFlight, OptionalLong delayed,
                         Optional<Duration> oldestAge, String note) {

    public QueueDepth {
        Objects.requireNonNull(queue, "queue");
        Objects.requireNonNull(visible, "visible");
        Objects.requireNonNull(inFlight, "inFlight");
        Objects.requireNonNull(delayed, "delayed");
        Objects.requireNonNull(oldestAge, "oldestAge");
        note = note == null ? "" : note;
    }

    /** A reading of nothing, saying why. */
    public static QueueDepth unknown(URI queue, String why) {
        return new QueueDepth(queue, OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(), Optional.empty(), why);
    }

    /** Messages not yet acknowledged (visible, in flight and delayed), when the broker gives all three. */
    public OptionalLong total() {
        if (visible.isEmpty() || inFlight.isEmpty() || delayed.isEmpty()) return OptionalLong.empty();
        return OptionalLong.of(visible.getAsLong() + inFlight.getAsLong() + delayed.getAsLong());
    }
}
