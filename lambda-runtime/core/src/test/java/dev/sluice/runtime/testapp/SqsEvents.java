package dev.sluice.runtime.testapp;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds SQS events shaped as Lambda sends them (binary-mode CloudEvents in message attributes). */
public final class SqsEvents {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ArrayNode records = JSON.createArrayNode();
    private final String arn;
    private final boolean fifo;
    private long sequence = 18849496460467696L;

    private SqsEvents(String queue) {
        this.arn = "arn:aws:sqs:eu-west-1:123456789012:" + queue;
        this.fifo = queue.endsWith(".fifo");
    }

    public static SqsEvents from(String queue) {
        return new SqsEvents(queue);
    }

    /** A binary-mode CloudEvent of {@code type} with JSON {@code data}, first delivery. */
    public SqsEvents event(String id, String type, String data) {
        return event(id, type, data, 1, "group-a");
    }

    public SqsEvents event(String id, String type, String data, int receiveCount, String group) {
        Map<String, String> ce = new LinkedHashMap<>();
        ce.put("ce-specversion", "1.0");
        ce.put("ce-id", id);
        ce.put("ce-source", "/tests");
        ce.put("ce-type", type);
        ce.put("content-type", "application/json");
        return raw(id, data, ce, receiveCount, group);
    }

    /** A record with any body and string message attributes. */
    public SqsEvents raw(String messageId, String body, Map<String, String> attributes, int receiveCount, String group) {
        return raw(messageId, "AQEB" + messageId + "/receipt==", body, attributes, receiveCount, group);
    }

    /** A record with the receipt handle a real receive returned. */
    public SqsEvents raw(String messageId, String receiptHandle, String body, Map<String, String> attributes,
                         int receiveCount, String group) {
        ObjectNode r = records.addObject();
        r.put("messageId", messageId);
        r.put("receiptHandle", receiptHandle);
        r.put("body", body);
        ObjectNode a = r.putObject("attributes");
        a.put("ApproximateReceiveCount", String.valueOf(receiveCount));
        a.put("SentTimestamp", "1767225600000");
        a.put("SenderId", "AIDAIENQZJOLO23YVJ4VO");
        a.put("ApproximateFirstReceiveTimestamp", "1767225600012");
        if (fifo) {
            a.put("MessageGroupId", group);
            a.put("MessageDeduplicationId", messageId);
            a.put("SequenceNumber", String.valueOf(sequence++));
        }
        ObjectNode m = r.putObject("messageAttributes");
        attributes.forEach((k, v) -> {
            ObjectNode attr = m.putObject(k);
            attr.put("stringValue", v);
            attr.putArray("stringListValues");
            attr.putArray("binaryListValues");
            attr.put("dataType", "String");
        });
        r.put("md5OfBody", "0");
        r.put("eventSource", "aws:sqs");
        r.put("eventSourceARN", arn);
        r.put("awsRegion", "eu-west-1");
        return this;
    }

    /** Sets a system attribute (e.g. {@code AWSTraceHeader}) on the last record added. */
    public SqsEvents systemAttribute(String name, String value) {
        ((ObjectNode) records.get(records.size() - 1).get("attributes")).put(name, value);
        return this;
    }

    public String json() {
        ObjectNode root = JSON.createObjectNode();
        root.set("Records", records);
        return root.toString();
    }
}
