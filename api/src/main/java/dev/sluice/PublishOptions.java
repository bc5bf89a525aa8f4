package dev.sluice;

import java.time.Duration;
import java.util.Objects;

/**
 * Per-message options. Each maps to a broker feature; asking for one the broker lacks fails with a message
 * naming the broker (see the semantics table in DESIGN.md).
 *
 * @param orderingKey     messages with the same key are handled in publish order
 * @param deduplicationId a second message with the same id within the broker's window is dropped
 * @param delay           the message becomes visible only after this delay
 */
public record PublishOptions(String orderingKey, String deduplicationId, Duration delay) {

    /** No options. */
    public static final PublishOptions NONE = new PublishOptions(null, null, Duration.ZERO);

    public PublishOptions {
        delay = delay == null ? Duration.ZERO : delay;
        if (delay.isNegative()) throw new IllegalArgumentException("delay must not be negative, was " + delay);
        if (orderingKey != null && orderingKey.isEmpty()) throw new IllegalArgumentException("orderingKey must not be empty");
        if (deduplicationId != null && deduplicationId.isEmpty()) throw new IllegalArgumentException("deduplicationId must not be empty");
    }

    public static PublishOptions orderingKey(String key) {
        return NONE.withOrderingKey(key);
    }

    public static PublishOptions deduplicationId(String id) {
        return NONE.withDeduplicationId(id);
    }

    public static PublishOptions delay(Duration delay) {
        return NONE.withDelay(delay);
    }

    public PublishOptions withOrderingKey(String key) {
        return new PublishOptions(key, deduplicationId, delay);
    }

    public PublishOptions withDeduplicationId(String id) {
        return new PublishOptions(orderingKey, id, delay);
    }

    public PublishOptions withDelay(Duration d) {
        return new PublishOptions(orderingKey, deduplicationId, Objects.requireNonNull(d, "delay"));
    }
}
