package dev.sluice.pubsub;

import dev.sluice.spi.Capabilities;
import dev.sluice.spi.OutboundMessage;
import dev.sluice.spi.WireSizes;
import java.time.Duration;

/**
 * Pub/Sub's documented limits (cloud.google.com/pubsub/quotas#resource_limits), as {@link Capabilities}
 * and as a per-message check. The check runs before a message joins a publish request: the service
 * rejects a whole request for one bad message, so without it one oversized event would fail the
 * well-formed events batched with it.
 */
final class PubSubLimits {
    static final int MAX_MESSAGE_BYTES = 10_000_000;
    static final int MAX_ATTRIBUTES = 100;
    static final int MAX_KEY_BYTES = 256;
    static final int MAX_VALUE_BYTES = 1024;
    static final int MAX_ORDERING_KEY_BYTES = 1024;
    static final Duration MAX_ACK_DEADLINE = Duration.ofSeconds(600);
    static final Duration MIN_ACK_DEADLINE = Duration.ofSeconds(10);
    static final int MIN_ATTEMPTS = 5;
    static final int MAX_ATTEMPTS = 100;

    static final Capabilities CAPABILITIES = Capabilities.builder("Pub/Sub")
            .maxBatchSize(PubSubDriver.BATCH)
            .maxMessageBytes(MAX_MESSAGE_BYTES)
            .maxAttributes(MAX_ATTRIBUTES)
            .maxAttributeKeyBytes(MAX_KEY_BYTES)
            .maxAttributeValueBytes(MAX_VALUE_BYTES)
            .textBodyOnly(false)
            .ordering(true)
            .maxOrderingKeyLength(MAX_ORDERING_KEY_BYTES)
            .deduplication(false)
            .maxDelay(Duration.ZERO)
            .maxNackDelay(MAX_ACK_DEADLINE)
            .minLease(MIN_ACK_DEADLINE)
            .maxLease(MAX_ACK_DEADLINE)
            .attempts(Capabilities.AttemptCounting.APPROXIMATE)
            .deliveryAttempts(MIN_ATTEMPTS, MAX_ATTEMPTS)
            .build();

    private PubSubLimits() {
    }

    /** Why Pub/Sub would refuse {@code m}, as a sentence naming the message and the limit, or null. */
    static String problem(OutboundMessage m) {
        String id = "message " + m.id();
        if (m.deduplicationId() != null) {
            return id + " has a deduplication id; Pub/Sub does not deduplicate (use an idempotent handler)";
        }
        if (!m.delay().isZero()) {
            return id + " asks for a delay of " + m.delay() + "; Pub/Sub has no per-message delay";
        }
        if (m.body().length == 0 && m.attributes().isEmpty()) {
            return id + " has neither data nor attributes; Pub/Sub needs one of them";
        }
        if (m.attributes().size() > MAX_ATTRIBUTES) {
            return id + " has " + m.attributes().size() + " attributes; Pub/Sub allows at most " + MAX_ATTRIBUTES;
        }
        for (var e : m.attributes().entrySet()) {
            int k = WireSizes.utf8(e.getKey());
            if (k == 0) return id + " has an empty attribute key";
            if (k > MAX_KEY_BYTES) {
                return id + ": attribute key '" + abbreviate(e.getKey()) + "' is " + k + " bytes; Pub/Sub allows at most "
                        + MAX_KEY_BYTES;
            }
            if (e.getKey().startsWith("goog")) {
                return id + ": attribute key '" + abbreviate(e.getKey()) + "' starts with 'goog', which Pub/Sub reserves";
            }
            int v = WireSizes.utf8(e.getValue());
            if (v > MAX_VALUE_BYTES) {
                return id + ": the value of attribute '" + abbreviate(e.getKey()) + "' is " + v
                        + " bytes; Pub/Sub allows at most " + MAX_VALUE_BYTES;
            }
        }
        if (m.orderingKey() != null && WireSizes.utf8(m.orderingKey()) > MAX_ORDERING_KEY_BYTES) {
            return id + ": the ordering key is " + WireSizes.utf8(m.orderingKey()) + " bytes; Pub/Sub allows at most "
                    + MAX_ORDERING_KEY_BYTES;
        }
        if (m.encodedSize() > MAX_MESSAGE_BYTES) {
            return id + " is " + m.encodedSize() + " bytes (data plus attributes); Pub/Sub allows at most "
                    + MAX_MESSAGE_BYTES;
        }
        return null;
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }
}
