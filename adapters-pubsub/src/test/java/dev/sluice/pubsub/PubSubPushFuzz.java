package dev.sluice.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sluice.codec.CloudEventCodec;
import dev.sluice.codec.DecodeException;
import dev.sluice.pubsub.PubSubPush.MalformedPushException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Fuzzes the Pub/Sub push and Eventarc reader ({@link PubSubPush}: wrapped, unwrapped, messagePublished in
 * binary and structured mode) and the codec behind it: any request reads or fails with
 * {@link MalformedPushException}, whose message never quotes the payload; a message read then decodes or fails
 * with {@link DecodeException}.
 */
class PubSubPushFuzz {
    private static final CloudEventCodec CODEC = new CloudEventCodec(PubSubLimits.CAPABILITIES);
    private static final String MARK = "QQPAYLOADQQ";

    @FuzzTest(maxDuration = "5s")
    void pushRequestsReadOrFailWithMalformedPush(FuzzedDataProvider in) {
        int form = in.consumeInt(0, 3);
        Map<String, String> headers = new HashMap<>();
        if (form == 1) {
            headers.put(PubSubPush.MESSAGE_ID_HEADER, in.consumeString(20));
            int n = in.consumeInt(0, 5);
            for (int i = 0; i < n; i++) headers.put(in.consumeString(20).toLowerCase(), in.consumeString(40));
        }
        byte[] body = in.consumeBoolean() ? skeleton(in) : in.consumeRemainingAsBytes();
        PubSubPush push;
        try {
            push = switch (form) {
                case 0 -> PubSubPush.wrapped(body);
                case 1 -> PubSubPush.unwrapped(headers, body);
                case 2 -> PubSubPush.messagePublished(body);
                default -> PubSubPush.messagePublishedStructured(body);
            };
        } catch (MalformedPushException expected) {
            assertThat(expected.getMessage()).isNotBlank().doesNotContain(MARK);
            return;
        }
        assertThat(push.message().body().length).isLessThanOrEqualTo(body.length);
        try {
            CODEC.decode(push.message(), URI.create("pubsub://projects/p/topics/t?subscription=s"));
        } catch (DecodeException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    /**
     * A push envelope with fuzzed members; string values may carry a mark that no error message may quote (the
     * message id may be quoted: it is not payload).
     */
    private static byte[] skeleton(FuzzedDataProvider in) {
        StringBuilder m = new StringBuilder("{");
        m.append("\"messageId\":").append(in.consumeBoolean() ? quote(in.consumeString(16)) : value(in).replace(MARK, "id")).append(",\"data\":").append(value(in))
                .append(",\"publishTime\":").append(value(in)).append(",\"orderingKey\":").append(value(in))
                .append(",\"attributes\":{");
        int n = in.consumeInt(0, 4);
        for (int i = 0; i < n; i++) {
            m.append(i > 0 ? "," : "").append(quote(in.consumeBoolean() ? "ce-" + in.consumeString(12) : in.consumeString(12)))
                    .append(':').append(value(in));
        }
        m.append("}}");
        String envelope = "{\"message\":" + m + ",\"subscription\":" + value(in) + ",\"deliveryAttempt\":" + value(in) + "}";
        if (in.consumeBoolean()) {
            envelope = "{\"specversion\":\"1.0\",\"type\":\"" + PubSubPush.MESSAGE_PUBLISHED + "\",\"data\":" + envelope + "}";
        }
        return envelope.getBytes(StandardCharsets.UTF_8);
    }

    private static String value(FuzzedDataProvider in) {
        return switch (in.consumeInt(0, 5)) {
            case 0 -> String.valueOf(in.consumeLong());
            case 1 -> in.pickValue(List.of("null", "true", "{}", "[]", "1e999", "\"\"", "[1]"));
            case 2 -> quote(MARK + in.consumeString(32));
            default -> quote(in.consumeString(48));
        };
    }

    private static String quote(String s) {
        return com.fasterxml.jackson.databind.node.TextNode.valueOf(s).toString();
    }
}
