package dev.sluice.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.ErrorCode;
import dev.sluice.PublishOptions;
import dev.sluice.SluiceException;
import dev.sluice.spi.Capabilities;
import dev.sluice.spi.InboundMessage;
import dev.sluice.spi.OutboundMessage;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Extensions may not take a name the CloudEvents spec reserves: the core attribute names, and {@code data}
 * (plus {@code data_base64}, the JSON format's member for binary data). Otherwise binary mode would write
 * {@code ce-type} twice, and a foreign attribute called {@code type} would rewrite the type on re-publish.
 */
class ReservedNamesTest {
    private static final URI QUEUE = URI.create("mem://orders");
    private final CloudEventCodec codec = new CloudEventCodec(Capabilities.builder("test broker").build());

    private static InboundMessage foreign(Map<String, String> attributes) {
        return new InboundMessage("msg-1", "hello".getBytes(StandardCharsets.UTF_8), attributes, null,
                OptionalInt.of(1), Instant.parse("2026-05-01T10:00:00Z"), "handle", null);
    }

    @ParameterizedTest
    @ValueSource(strings = {"id", "source", "specversion", "type", "datacontenttype", "dataschema", "subject",
            "time", "data"})
    void anExtensionWithAReservedNameIsRefusedOnPublishNamingTheEventAndTheExtension(String name) {
        CloudEvent e = CloudEventBuilder.v1().withId("e-7").withSource(URI.create("/orders")).withType("order.placed")
                .withExtension(name, "overwritten").build();

        assertThatThrownBy(() -> codec.encode(e, PublishOptions.NONE))
                .isInstanceOf(SluiceException.class)
                .satisfies(t -> assertThat(((SluiceException) t).code()).isEqualTo(ErrorCode.INVALID))
                .hasMessageContaining("event 'e-7'")
                .hasMessageContaining("extension '" + name + "'")
                .hasMessageContaining("reserved");
    }

    @ParameterizedTest
    @ValueSource(strings = {"id", "source", "specversion", "type", "datacontenttype", "dataschema", "subject",
            "time", "data"})
    void aForeignAttributeWithAReservedNameIsDroppedAndCannotRewriteTheEventWhenRepublished(String name)
            throws Exception {
        Map<String, String> attributes = new HashMap<>();
        attributes.put(name, "https://evil.example/spoofed");
        attributes.put("origin", "legacy");

        CloudEvent e = codec.decode(foreign(attributes), QUEUE);

        assertThat(e.getExtensionNames()).containsExactly("origin");
        assertThat(e.getId()).isEqualTo("msg-1");
        assertThat(e.getSource()).isEqualTo(QUEUE);
        assertThat(e.getType()).isEqualTo(CloudEventCodec.FOREIGN_TYPE);
        OutboundMessage again = codec.encode(e, PublishOptions.NONE);
        assertThat(again.attributes()).containsEntry("ce-id", "msg-1").containsEntry("ce-source", QUEUE.toString())
                .containsEntry("ce-type", CloudEventCodec.FOREIGN_TYPE).containsEntry("ce-origin", "legacy");
        assertThat(again.attributes().values()).doesNotContain("https://evil.example/spoofed");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ce-data", "ce-datacontenttype"})
    void aBinaryMessageWithAReservedExtensionNameFailsToDecode(String key) {
        Map<String, String> attributes = new HashMap<>(Map.of("ce-specversion", "1.0", "ce-id", "x",
                "ce-source", "/s", "ce-type", "t"));
        attributes.put(key, "text/plain");

        assertThatThrownBy(() -> codec.decode(foreign(attributes), QUEUE))
                .isInstanceOf(DecodeException.class).hasMessageContaining("'" + key + "'").hasMessageContaining("reserved");
    }
}
