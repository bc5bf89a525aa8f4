package dev.sluice.pipeline;

import dev.sluice.DeadLetterReason;
import dev.sluice.Redaction;
import dev.sluice.SluiceException;
import dev.sluice.codec.CloudEventCodec;
import dev.sluice.spi.Capabilities;
import dev.sluice.spi.InboundMessage;
import dev.sluice.spi.OutboundMessage;
import dev.sluice.spi.QueueDriver;
import dev.sluice.spi.SendResult;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Sends a message to the dead-letter queue as it was received (body and attributes, decodable or not), with
 * its {@link DeadLetterReason} in the {@value CloudEventCodec#DEAD_LETTER_ATTRIBUTE} attribute. Its
 * ordering key travels in the reason, and a redrive restores it.
 */
final class DeadLetterer {
    private final QueueDriver deadLetterQueue;

    DeadLetterer(QueueDriver deadLetterQueue) {
        this.deadLetterQueue = deadLetterQueue;
    }

    /** Sends; throws a {@link SluiceException} when the DLQ did not take the message. */
    void send(InboundMessage message, DeadLetterReason reason) {
        Capabilities caps = deadLetterQueue.capabilities();
        Map<String, String> attributes = new HashMap<>(message.attributes());
        String attribute = reason.withOrderingKey(message.orderingKey()).toAttribute(caps.maxAttributeValueBytes());
        attributes.put(CloudEventCodec.DEAD_LETTER_ATTRIBUTE, attribute);
        // Stored unordered (a key of its own where the DLQ needs one), so one dead letter never blocks another.
        OutboundMessage out = new OutboundMessage(message.messageId(), message.body(), attributes,
                caps.ordering() ? message.messageId() : null,
                caps.deduplication() ? message.messageId() : null, Duration.ZERO);
        List<SendResult> results = deadLetterQueue.send(List.of(out));
        if (results.isEmpty() || !results.get(0).succeeded()) {
            String why = results.isEmpty() ? "no result" : results.get(0).error().message();
            throw new SluiceException(results.isEmpty() ? dev.sluice.ErrorCode.UNKNOWN : results.get(0).error().code(),
                    "dead-letter queue " + Redaction.uri(uri()) + " did not take message " + message.messageId() + ": " + why);
        }
    }

    java.net.URI uri() {
        return deadLetterQueue.uri();
    }
}
