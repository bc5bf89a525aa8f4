package dev.sluice.sqs;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sluice.codec.CloudEventCodec;
import dev.sluice.codec.DecodeException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Fuzzes the Lambda SQS event reader ({@link SqsLambdaEvent}, through {@link SqsInbound}) and the codec behind
 * it: any event either reads or fails with the {@link IOException} {@link SqsLambdaEvent#read} documents, and
 * each record then decodes or fails with {@link DecodeException}. The input is a JSON skeleton of an SQS event
 * with fuzzed values (so the fuzzer reaches the records), or raw bytes.
 */
class SqsLambdaEventFuzz {
    private static final CloudEventCodec CODEC = new CloudEventCodec(SqsCapabilities.STANDARD);
    private static final List<String> SYSTEM = List.of("ApproximateReceiveCount", "SentTimestamp", "MessageGroupId",
            "ApproximateFirstReceiveTimestamp", "SenderId", "SequenceNumber", "MessageDeduplicationId");
    private static final List<String> TYPES = List.of("String", "Number", "Binary", "String.sluice-empty",
            "String.sluice-base64", "String.x");

    @FuzzTest(maxDuration = "5s")
    void lambdaEventsReadOrFailWithIOException(FuzzedDataProvider in) {
        byte[] event = in.consumeBoolean() ? skeleton(in) : in.consumeRemainingAsBytes();
        List<SqsLambdaEvent.Record> records;
        try {
            records = SqsLambdaEvent.read(new ByteArrayInputStream(event));
        } catch (IOException expected) {
            assertThat(expected.getMessage()).isNotBlank();
            return;
        }
        assertThat(records.size()).isLessThanOrEqualTo(event.length);
        for (SqsLambdaEvent.Record r : records) {
            assertThat(r.message().body().length).isLessThanOrEqualTo(event.length);
            try {
                CODEC.decode(r.message(), URI.create("sqs://fuzz"));
            } catch (DecodeException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
        }
    }

    private static byte[] skeleton(FuzzedDataProvider in) {
        StringBuilder json = new StringBuilder("{\"Records\":[");
        int records = in.consumeInt(0, 3);
        for (int i = 0; i < records; i++) {
            if (i > 0) json.append(',');
            json.append("{\"messageId\":").append(value(in)).append(",\"receiptHandle\":\"r\",\"body\":").append(value(in))
                    .append(",\"eventSourceARN\":").append(value(in)).append(",\"attributes\":{");
            int system = in.consumeInt(0, 3);
            for (int j = 0; j < system; j++) {
                json.append(j > 0 ? "," : "").append(quote(in.pickValue(SYSTEM))).append(':').append(value(in));
            }
            json.append("},\"messageAttributes\":{");
            int attributes = in.consumeInt(0, 4);
            for (int j = 0; j < attributes; j++) {
                json.append(j > 0 ? "," : "").append(quote(in.consumeBoolean() ? "ce-" + in.consumeString(10) : in.consumeString(10)))
                        .append(":{\"dataType\":").append(in.consumeBoolean() ? quote(in.pickValue(TYPES)) : value(in))
                        .append(in.consumeBoolean() ? ",\"stringValue\":" : ",\"binaryValue\":").append(value(in)).append('}');
            }
            json.append("}}");
        }
        return json.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A JSON value: a string (often), a number, or a literal. */
    private static String value(FuzzedDataProvider in) {
        return switch (in.consumeInt(0, 4)) {
            case 0 -> String.valueOf(in.consumeLong());
            case 1 -> in.pickValue(List.of("null", "true", "{}", "[]", "1e999", "-0"));
            default -> quote(in.consumeString(64));
        };
    }

    private static String quote(String s) {
        return com.fasterxml.jackson.databind.node.TextNode.valueOf(s).toString();
    }
}
