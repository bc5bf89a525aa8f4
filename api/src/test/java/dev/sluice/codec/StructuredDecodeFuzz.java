package dev.sluice.codec;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sluice.spi.Capabilities;
import dev.sluice.spi.InboundMessage;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Fuzzes the codec's structured-mode reader, with the structured content type and without one (a body that
 * looks like a structured event): it decodes, fails with {@link DecodeException}, or (no content type, not a
 * structured event) is wrapped as a foreign message.
 */
class StructuredDecodeFuzz {
    private static final CloudEventCodec CODEC = new CloudEventCodec(Capabilities.builder("fuzz").build());

    @FuzzTest(maxDuration = "5s")
    void structuredBodiesDecodeOrFailWithDecodeException(FuzzedDataProvider in) {
        Map<String, String> attributes = in.consumeBoolean()
                ? Map.of("content-type", "application/cloudevents+json; charset=UTF-8") : Map.of();
        byte[] body = in.consumeRemainingAsBytes();
        FuzzBounds.decodes(CODEC, new InboundMessage("m-1", body, attributes, null, OptionalInt.empty(), null, "h", null));
    }
}
