package dev.sluice.spi;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * A message on its way to a broker: bytes and string attributes as the codec wrote them, plus the
 * per-message options the driver translates ({@code MessageGroupId}, {@code ordering_key}, ...).
 *
 * @param id              the CloudEvent id (or, for a message that is not one, any id that names it in errors)
 * @param body            the body, never null
 * @param attributes      string attributes, copied
 * @param orderingKey     ordering key, or null
 * @param deduplicationId deduplication id, or null
 * @param delay           delivery delay, {@link Duration#ZERO} for none
 */
public record OutboundMessage(
        String id, byte[] body, Map<String, String> attributes, String orderingKey, String deduplicationId,
        Duration delay) {

    public OutboundMessage {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(body, "body");
        attributes = Map.copyOf(attributes);
        delay = delay == null ? Duration.ZERO : delay;
    }

    /** The encoded size the brokers count: body plus attribute keys and values, in bytes. */
    public int encodedSize() {
        return body.length + WireSizes.attributesSize(attributes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OutboundMessage m && id.equals(m.id) && Arrays.equals(body, m.body)
                && attributes.equals(m.attributes) && Objects.equals(orderingKey, m.orderingKey)
                && Objects.equals(deduplicationId, m.deduplicationId) && delay.equals(m.delay);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, Arrays.hashCode(body), attributes, orderingKey, deduplicationId, delay);
    }

    @Override
    public String toString() {
        return "OutboundMessage[id=" + id + ", " + body.length + " bytes, attributes=" + attributes.keySet() + "]";
    }
}
