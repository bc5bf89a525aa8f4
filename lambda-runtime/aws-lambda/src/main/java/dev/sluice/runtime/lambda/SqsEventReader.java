package dev.sluice.runtime.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.spi.InboundMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Reads Lambda's SQS event JSON ({@code {"Records":[...]}}) with Jackson's tree model, without
 * aws-lambda-java-events, and maps each record to the {@link InboundMessage} every host hands the pipeline.
 */
final class SqsEventReader {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SqsEventReader() {
    }

    /** The records of the event; an event that is not an SQS event is an {@link IOException}. */
    static List<SqsRecord> read(InputStream in) throws IOException {
        JsonNode root = JSON.readTree(in);
        JsonNode records = root == null ? null : root.get("Records");
        if (records == null || !records.isArray()) {
            throw new IOException("the event is not an SQS event: it has no \"Records\" array"
                    + " (this handler serves SQS event source mappings only)");
        }
        List<SqsRecord> result = new ArrayList<>(records.size());
        for (JsonNode r : records) {
            String id = text(r, "messageId");
            String receipt = text(r, "receiptHandle");
            if (id == null || receipt == null) {
                throw new IOException("an SQS record lacks \"messageId\" or \"receiptHandle\": " + r);
            }
            result.add(new SqsRecord(id, receipt, text(r, "body"), strings(r.get("attributes")),
                    messageAttributes(r.get("messageAttributes")), text(r, "eventSourceARN")));
        }
        return result;
    }

    static InboundMessage toInbound(SqsRecord r) {
        Map<String, String> a = r.attributes();
        String count = a.get("ApproximateReceiveCount");
        String sent = a.get("SentTimestamp");
        return new InboundMessage(r.messageId(), r.body().getBytes(StandardCharsets.UTF_8), r.messageAttributes(),
                a.get("MessageGroupId"), count == null ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(count)),
                sent == null ? null : Instant.ofEpochMilli(Long.parseLong(sent)), r.receiptHandle(), r);
    }

    private static Map<String, String> strings(JsonNode node) {
        Map<String, String> m = new HashMap<>();
        if (node != null) node.properties().forEach(e -> {
            if (e.getValue().isValueNode() && !e.getValue().isNull()) m.put(e.getKey(), e.getValue().asText());
        });
        return m;
    }

    /** {@code {"name":{"stringValue":"v","dataType":"String"}}}; binary attributes carry no string and are left out. */
    private static Map<String, String> messageAttributes(JsonNode node) {
        Map<String, String> m = new HashMap<>();
        if (node != null) node.properties().forEach(e -> {
            String v = text(e.getValue(), "stringValue");
            if (v != null) m.put(e.getKey(), v);
        });
        return m;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
