package dev.sluice.spi;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A message a driver received and holds a lease on. The portable layer decodes it, runs the handler and
 * hands it back to the same driver to ack, nack or extend.
 *
 * @param messageId   the broker's message id
 * @param body        the body bytes
 * @param attributes  string attributes as the broker delivered them
 * @param orderingKey the ordering key (SQS {@code MessageGroupId}, Pub/Sub {@code ordering_key}), or null
 * @param attempt     the delivery attempt number, 1 for the first, absent when the broker does not know it
 * @param publishTime when the broker accepted the message, or null when unknown
 * @param ackHandle   the driver's token for this delivery (receipt handle, ack id, lease token)
 * @param nativeMessage the provider's own message object, for {@link #unwrap(Class)}; may be null
 */
public record InboundMessage(
        String messageId, byte[] body, Map<String, String> attributes, String orderingKey, OptionalInt attempt,
        Instant publishTime, String ackHandle, Object nativeMessage) {

    public InboundMessage {
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(ackHandle, "ackHandle");
        attributes = Map.copyOf(attributes);
        attempt = attempt == null ? OptionalInt.empty() : attempt;
    }

    /** The provider's message as {@code type}, when it is one. */
    public <T> Optional<T> unwrap(Class<T> type) {
        return type.isInstance(nativeMessage) ? Optional.of(type.cast(nativeMessage))
                : type.isInstance(this) ? Optional.of(type.cast(this)) : Optional.empty();
    }

    @Override
    public String toString() {
        return "InboundMessage[id=" + messageId + ", attempt=" + attempt + ", key=" + orderingKey + "]";
    }
}
