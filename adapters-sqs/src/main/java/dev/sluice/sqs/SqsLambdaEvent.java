package dev.sluice.sqs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.spi.InboundMessage;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Reads the event AWS Lambda hands an SQS event source mapping ({@code {"Records":[...]}}) into the same
 * messages the poller receives: each record becomes the SDK's {@link Message} (so
 * {@code delivery.unwrap(Message.class)} works on both hosts) and goes through the driver's own inbound
 * translation, body scheme and attribute data types included. Errors name the record and the field, never
 * the body.
 */
public final class SqsLambdaEvent {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SqsLambdaEvent() {
    }

    /**
     * One record of the event.
     *
     * @param message        the message as the pipeline takes it
     * @param eventSourceArn the queue's ARN, {@code arn:aws:sqs:eu-west-1:123456789012:orders.fifo}
     */
    public record Record(InboundMessage message, String eventSourceArn) {
        /** The queue's name: the last part of the ARN, e.g. {@code orders.fifo}. */
        public String queueName() {
            return eventSourceArn.substring(eventSourceArn.lastIndexOf(':') + 1);
        }

        /** Whether the record comes from a FIFO queue. */
        public boolean fromFifoQueue() {
            return eventSourceArn.endsWith(".fifo");
        }
    }

    /** The records of the event; an event that is not an SQS event is an {@link IOException}. */
    public static List<Record> read(InputStream in) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(in);
        } catch (IOException e) {
            throw new IOException("the event is not valid JSON (line " + lineOf(e) + ")");
        }
        JsonNode records = root == null ? null : root.get("Records");
        if (records == null || !records.isArray()) {
            throw new IOException("the event is not an SQS event: it has no \"Records\" array"
                    + " (this handler serves SQS event source mappings only)");
        }
        List<Record> result = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) result.add(record(records.get(i), i));
        return result;
    }

    private static Record record(JsonNode r, int index) throws IOException {
        String id = text(r, "messageId");
        String receipt = text(r, "receiptHandle");
        if (id == null || receipt == null) {
            throw new IOException("SQS record " + index + (id == null ? "" : " (message " + id + ")")
                    + " lacks \"" + (id == null ? "messageId" : "receiptHandle") + "\"");
        }
        String arn = text(r, "eventSourceARN");
        Message message = Message.builder().messageId(id).receiptHandle(receipt).body(text(r, "body"))
                .attributesWithStrings(strings(r.get("attributes")))
                .messageAttributes(messageAttributes(r.get("messageAttributes"), id)).build();
        String name = arn == null ? "" : arn;
        return new Record(SqsInbound.toInbound(message, name.endsWith(".fifo")), name);
    }

    private static Map<String, String> strings(JsonNode node) {
        Map<String, String> m = new HashMap<>();
        if (node != null) node.properties().forEach(e -> {
            if (e.getValue().isValueNode() && !e.getValue().isNull()) m.put(e.getKey(), e.getValue().asText());
        });
        return m;
    }

    /** {@code {"name":{"stringValue":"v","binaryValue":null,"dataType":"String"}}}; binary values are Base64. */
    private static Map<String, MessageAttributeValue> messageAttributes(JsonNode node, String id) throws IOException {
        Map<String, MessageAttributeValue> m = new HashMap<>();
        if (node == null || node.isNull()) return m;
        for (var e : node.properties()) {
            JsonNode v = e.getValue();
            String type = text(v, "dataType");
            if (type == null) throw new IOException("message attribute '" + e.getKey() + "' of message " + id + " has no dataType");
            MessageAttributeValue.Builder b = MessageAttributeValue.builder().dataType(type);
            String string = text(v, "stringValue");
            String binary = text(v, "binaryValue");
            if (string != null) b.stringValue(string);
            if (binary != null) {
                try {
                    b.binaryValue(SdkBytes.fromByteArray(Base64.getDecoder().decode(binary)));
                } catch (IllegalArgumentException bad) {
                    throw new IOException("message attribute '" + e.getKey() + "' of message " + id
                            + " has a binaryValue that is not Base64");
                }
            }
            m.put(e.getKey(), b.build());
        }
        return m;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static String lineOf(IOException e) {
        return e instanceof com.fasterxml.jackson.core.JsonProcessingException j && j.getLocation() != null
                ? String.valueOf(j.getLocation().getLineNr()) : "?";
    }
}
