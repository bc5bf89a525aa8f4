package dev.sluice.runtime.lambda;

import java.util.Map;
import java.util.Objects;

/**
 * One record of an SQS event as Lambda delivers it, with what Sluice reads of it. Handlers reach it with
 * {@code delivery.unwrap(SqsRecord.class)}.
 *
 * @param messageId         the SQS message id (the batch item identifier)
 * @param receiptHandle     the receipt handle of this delivery
 * @param body              the body
 * @param attributes        system attributes: {@code ApproximateReceiveCount}, {@code SentTimestamp},
 *                          {@code MessageGroupId}, ...
 * @param messageAttributes message attributes that have a {@code stringValue} (String and Number types)
 * @param eventSourceArn    the queue's ARN
 */
public record SqsRecord(String messageId, String receiptHandle, String body, Map<String, String> attributes,
                        Map<String, String> messageAttributes, String eventSourceArn) {
    public SqsRecord {
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(receiptHandle, "receiptHandle");
        body = body == null ? "" : body;
        attributes = Map.copyOf(attributes);
        messageAttributes = Map.copyOf(messageAttributes);
        eventSourceArn = eventSourceArn == null ? "" : eventSourceArn;
    }

    /** The queue's name: the last part of the ARN, e.g. {@code orders.fifo}. */
    public String queueName() {
        return eventSourceArn.substring(eventSourceArn.lastIndexOf(':') + 1);
    }

    /** Whether the record comes from a FIFO queue. */
    public boolean fromFifoQueue() {
        return eventSourceArn.endsWith(".fifo");
    }
}
