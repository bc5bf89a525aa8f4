package dev.sluice.codec;


import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sluice.spi.Capabilities;
import dev.sluice.spi.InboundMessage;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Fuzzes the codec's binary-mode reader (and, through it, {@link EventValidation}): any attributes and body
 * either decode or fail with {@link DecodeException}; nothing else escapes, and the event is no bigger than
 * the message. The media-type check agrees with the regular expression it replaced ({@link MediaTypeTest}).
 */
class BinaryDecodeFuzz {
    private static final CloudEventCodec CODEC = new CloudEventCodec(Capabilities.builder("fuzz").build());
    private static final List<String> NAMES = List.of("ce-specversion", "ce-id", "ce-source", "ce-type", "ce-subject",
            "ce-time", "ce-dataschema", "content-type", "ce-datacontenttype", "ce-data", "ce-traceparent", "sluice-type",
            "ce-", "CE-ID", "ce-specVersion");

    @FuzzTest(maxDuration = "5s")
    void binaryMessagesDecodeOrFailWithDecodeException(FuzzedDataProvider in) {
        Map<String, String> attributes = new HashMap<>();
        attributes.put("ce-specversion", in.consumeBoolean() ? "1.0" : in.consumeString(8));
        int n = in.consumeInt(0, 12);
        for (int i = 0; i < n; i++) {
            String name = in.consumeBoolean() ? in.pickValue(NAMES) : "ce-" + in.consumeString(24);
            attributes.put(name, in.consumeString(200));
        }
        String contentType = attributes.get("content-type");
        if (contentType != null && contentType.length() < 1000) {
            assertThat(EventValidation.isMediaType(contentType)).isEqualTo(MediaTypeTest.ORACLE.matcher(contentType).matches());
        }
        byte[] body = in.consumeRemainingAsBytes();
        FuzzBounds.decodes(CODEC, new InboundMessage("m-1", body, attributes, null, OptionalInt.empty(), null, "h", null));
    }
}
