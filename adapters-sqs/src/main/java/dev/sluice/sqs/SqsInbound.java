package dev.sluice.sqs;

import dev.sluice.spi.InboundMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * The one translation of a received SQS message into the {@link InboundMessage} the pipeline takes, for
 * the poller (a {@code ReceiveMessage} result) and the Lambda host (a record of an SQS event, read by
 * {@link SqsLambdaEvent}) alike: identical bytes decode identically. A receive count or sent timestamp that
 * is not a number (only a forged Lambda event has one) counts as absent.
 */
final class SqsInbound {
    private SqsInbound() {
    }

    static InboundMessage toInbound(Message m, boolean fifo) {
        Map<String, String> attributes = new HashMap<>();
        List<String> types = new ArrayList<>();
        for (var a : m.messageAttributes().entrySet()) {
            MessageAttributeValue v = a.getValue();
            types.add(v.dataType());
            if (SqsBody.MARKER_ATTRIBUTE.equals(a.getKey()) && isMarker(v.dataType())) continue;
            String value = v.stringValue() != null ? v.stringValue()
                    : v.binaryValue() != null ? Base64.getEncoder().encodeToString(v.binaryValue().asByteArray()) : "";
            attributes.put(a.getKey(), value);
        }
        byte[] body = SqsBody.decode(m.body() == null ? "" : m.body(), types);
        Map<MessageSystemAttributeName, String> system = m.attributes();
        long count = number(system.get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT));
        OptionalInt attempt = count >= 1 && count <= Integer.MAX_VALUE ? OptionalInt.of((int) count) : OptionalInt.empty();
        long sent = number(system.get(MessageSystemAttributeName.SENT_TIMESTAMP));
        Instant publishTime = sent >= 0 ? Instant.ofEpochMilli(sent) : null;
        String group = fifo ? system.get(MessageSystemAttributeName.MESSAGE_GROUP_ID) : null;
        String trace = system.get(MessageSystemAttributeName.AWS_TRACE_HEADER);
        Map<String, String> traceHeaders = trace == null || trace.isEmpty() ? Map.of()
                : Map.of(InboundMessage.AWS_TRACE_HEADER, trace);
        return new InboundMessage(m.messageId(), body, attributes, group, attempt, publishTime, m.receiptHandle(), m,
                traceHeaders);
    }

    /**
     * A system attribute's non-negative decimal number, or -1 when it is absent or not one (a Lambda event is
     * JSON anyone can invoke the function with): such an attribute is treated as absent, as the Pub/Sub reader
     * treats a {@code deliveryAttempt} or {@code publishTime} it cannot read.
     */
    private static long number(String value) {
        if (value == null || value.isEmpty() || value.length() > 18) return -1;
        for (int i = 0; i < value.length(); i++) if (value.charAt(i) < '0' || value.charAt(i) > '9') return -1;
        return Long.parseLong(value);
    }

    private static boolean isMarker(String dataType) {
        return SqsBody.EMPTY_TYPE.equals(dataType) || SqsBody.BASE64_TYPE.equals(dataType);
    }
}
