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
 * @param traceHeaders trace context the broker carried beside the message's attributes, by the broker's name
 *                    (SQS: {@value #AWS_TRACE_HEADER}); for tracers only: never decoded into the event, never sent
 *                    on with a dead letter
 */
public record InboundMessage(
        String messageId, byte[] body, Map<String, String> attributes, String orderingKey, OptionalInt attempt,
        Instant publishTime, String ackHandle, Object nativeMessage, Map<String, String> traceHeaders) {

    /** SQS's system attribute holding an X-Ray trace header, set by AWS on messages a traced producer sent. */
    public static final String AWS_TRACE_HEADER = "AWSTraceHeader";

    public InboundMessage {
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(ackHandle, "ackHandle");
        attributes = Map.copyOf(attributes);
        attempt = attempt == null ? OptionalInt.empty() : attempt;
        traceHeaders = traceHeaders == null ? Map.of() : Map.copyOf(traceHeaders);
    }

    /** A message whose broker carries no trace context of its own beside the attributes. */
    public InboundMessage(String messageId, byte[] body, Map<String, String> attributes, String orderingKey,
                          OptionalInt attempt, Instant publishTime, String ackHandle, Object nativeMessage) {
        this(messageId, body, attributes, orderingKey, attempt, publishTime, ackHandle, nativeMessage, Map.of());
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
