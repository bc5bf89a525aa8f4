package dev.sluice.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.ErrorCode;
import dev.sluice.PublishOptions;
import dev.sluice.SluiceException;
import dev.sluice.spi.Capabilities;
import dev.sluice.spi.InboundMessage;
import io.cloudevents.CloudEvent;
import io.cloudevents.CloudEventData;
import io.cloudevents.SpecVersion;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One validation of every CloudEvents 1.0 attribute, the same for binary mode, structured mode and events
 * about to be encoded. Each bad value is tried in both modes; the valid edge cases must still decode.
 */
class AttributeConformanceTest {
    private static final URI QUEUE = URI.create("mem://orders");
    private static final String SECRET = "top-secret-payload";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> VALID = Map.of("specversion", "1.0", "id", "e-1", "source", "/orders",
            "type", "order.placed");

    private final CloudEventCodec codec = new CloudEventCodec(Capabilities.builder("test broker").build());

    /** attribute name (as in the spec), bad value (null: absent), what the message must say. */
    static Stream<Arguments> badAttributes() {
        return Stream.of(
                arguments("id", null, "missing"),
                arguments("id", "", "empty"),
                arguments("source", null, "missing"),
                arguments("source", "", "empty"),
                arguments("source", "::not a uri", "URI reference"),
                arguments("type", null, "missing"),
                arguments("type", "", "empty"),
                arguments("specversion", "0.3", "not supported"),
                arguments("specversion", "", "not supported"),
                arguments("subject", "", "empty"),
                arguments("subject", "a\r\nb", "control character"),
                arguments("id", "e-1\u0000", "control character"),
                arguments("type", "order\u0085placed", "control character"),
                arguments("dataschema", "", "empty"),
                arguments("dataschema", "/schemas/order", "absolute URI"),
                arguments("dataschema", "http://exa mple.com/s", "absolute URI"),
                arguments("datacontenttype", "", "empty"),
                arguments("datacontenttype", "json", "RFC 2046 media type"),
                arguments("datacontenttype", "application/", "RFC 2046 media type"),
                arguments("datacontenttype", "application/json; charset", "RFC 2046 media type"),
                arguments("datacontenttype", "text/plain; charset=utf 8", "RFC 2046 media type"),
                arguments("datacontenttype", "text/plain;", "RFC 2046 media type"),
                arguments("datacontenttype", "text /plain", "RFC 2046 media type"),
                arguments("time", "", "RFC 3339"),
                arguments("time", "yesterday", "RFC 3339"),
                arguments("time", "2024-01-01T10:00Z", "RFC 3339"),
                arguments("time", "2024-01-01T10:00:00+05", "RFC 3339"),
                arguments("time", "2024-01-01T10:00:00+0500", "RFC 3339"),
                arguments("time", "2024-01-01T10:00:00", "RFC 3339"),
                arguments("time", "2024-01-01 10:00:00Z", "RFC 3339"),
                arguments("time", "2024-01-01T10:00:00.Z", "RFC 3339"),
                arguments("time", "2024-02-30T10:00:00Z", "RFC 3339"),
                arguments("time", "2024-01-01T25:00:00Z", "RFC 3339"),
                arguments("time", "24-01-01T10:00:00Z", "RFC 3339"));
    }

    /** Extension names that are not 1 to 20 lower-case letters or digits. */
    static Stream<String> badExtensionNames() {
        return Stream.of("Tenant", "my_ext", "my-ext", "abcdefghijklmnopqrstu");
    }

    // ---------------------------------------------------------------- binary mode

    @ParameterizedTest(name = "binary {0}={1}")
    @MethodSource("badAttributes")
    void binaryModeRefusesABadAttributeNamingIt(String name, String value, String what) {
        Map<String, String> attributes = binary(name, value);
        String key = binaryKey(name);

        assertThatThrownBy(() -> codec.decode(inbound(SECRET.getBytes(StandardCharsets.UTF_8), attributes), QUEUE))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("'" + key + "'")
                .hasMessageContaining(what)
                .hasMessageNotContaining(SECRET);
    }

    @ParameterizedTest(name = "binary extension {0}")
    @MethodSource("badExtensionNames")
    void binaryModeRefusesABadExtensionName(String name) {
        Map<String, String> attributes = binary("id", "e-1");
        attributes.put("ce-" + name, "v");
        assertThatThrownBy(() -> codec.decode(inbound(new byte[0], attributes), QUEUE))
                .isInstanceOf(DecodeException.class).hasMessageContaining("'ce-" + name + "'")
                .hasMessageContaining("1 to 20 lower-case letters or digits");
    }

    /** Extension string values with a character CloudEvents strings must not hold (U+0000-U+001F, U+007F-U+009F). */
    static Stream<String> extensionValuesWithControlCharacters() {
        return Stream.of("tenant\r\nx-injected: 1", "a\u0000b", "a\u007fb", "a\u0085b", "\t");
    }

    @ParameterizedTest(name = "binary extension value {index}")
    @MethodSource("extensionValuesWithControlCharacters")
    void binaryModeRefusesAControlCharacterInAnExtensionValue(String value) {
        Map<String, String> attributes = binary("id", "e-1");
        attributes.put("ce-tenant", value);
        assertThatThrownBy(() -> codec.decode(inbound(new byte[0], attributes), QUEUE))
                .isInstanceOf(DecodeException.class).hasMessageContaining("'ce-tenant'")
                .hasMessageContaining("control character");
    }

    @ParameterizedTest(name = "structured extension value {index}")
    @MethodSource("extensionValuesWithControlCharacters")
    void structuredModeRefusesAControlCharacterInAnExtensionValue(String value) throws Exception {
        ObjectNode json = (ObjectNode) JSON.readTree(structured("id", "e-1"));
        json.put("tenant", value);
        assertThatThrownBy(() -> codec.decode(inbound(JSON.writeValueAsBytes(json),
                Map.of("content-type", "application/cloudevents+json")), QUEUE))
                .isInstanceOf(DecodeException.class).hasMessageContaining("'tenant'")
                .hasMessageContaining("control character");
    }

    @ParameterizedTest(name = "encode extension value {index}")
    @MethodSource("extensionValuesWithControlCharacters")
    void anExtensionValueWithAControlCharacterIsRefusedBeforeEncoding(String value) {
        CloudEvent event = CloudEventBuilder.v1().withId("e-1").withSource(URI.create("/orders"))
                .withType("order.placed").withExtension("tenant", value).build();
        assertThatThrownBy(() -> codec.encode(event, PublishOptions.NONE))
                .isInstanceOf(SluiceException.class)
                .satisfies(e -> assertThat(((SluiceException) e).code()).isEqualTo(ErrorCode.INVALID))
                .hasMessageContaining("tenant").hasMessageContaining("control character");
    }

    @Test
    void extensionValuesThatAreNotStringsOrHoldOnlyPrintableTextStillDecode() throws Exception {
        Map<String, String> attributes = binary("id", "e-1");
        attributes.put("ce-tenant", "acme \u00e9\u4e2d");
        assertThat(codec.decode(inbound(new byte[0], attributes), QUEUE).getExtension("tenant"))
                .isEqualTo("acme \u00e9\u4e2d");
        ObjectNode json = (ObjectNode) JSON.readTree(structured("id", "e-1"));
        json.put("count", 3);
        json.put("flag", true);
        CloudEvent decoded = codec.decode(inbound(JSON.writeValueAsBytes(json),
                Map.of("content-type", "application/cloudevents+json")), QUEUE);
        assertThat(decoded.getExtension("count")).isEqualTo(3);
        assertThat(decoded.getExtension("flag")).isEqualTo(true);
    }

    // ---------------------------------------------------------------- structured mode

    @ParameterizedTest(name = "structured {0}={1}")
    @MethodSource("badAttributes")
    void structuredModeRefusesABadAttributeNamingIt(String name, String value, String what) {
        byte[] body = structured(name, value);

        assertThatThrownBy(() -> codec.decode(inbound(body, Map.of("content-type", CloudEventCodec.STRUCTURED_CONTENT_TYPE)), QUEUE))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("'" + name + "'")
                .hasMessageContaining(what)
                .hasMessageNotContaining(SECRET);
    }

    @ParameterizedTest(name = "structured extension {0}")
    @MethodSource("badExtensionNames")
    void structuredModeRefusesABadExtensionName(String name) throws Exception {
        ObjectNode json = (ObjectNode) JSON.readTree(structured("id", "e-1"));
        json.put(name, "v");
        assertThatThrownBy(() -> codec.decode(inbound(JSON.writeValueAsBytes(json),
                Map.of("content-type", "application/cloudevents+json")), QUEUE))
                .isInstanceOf(DecodeException.class).hasMessageContaining("'" + name + "'")
                .hasMessageContaining("1 to 20 lower-case letters or digits");
    }

    @Test
    void aStructuredBodyWithoutContentTypeIsCheckedTheSameWay() {
        byte[] body = structured("time", "2024-01-01T10:00Z");
        assertThatThrownBy(() -> codec.decode(inbound(body, Map.of()), QUEUE))
                .isInstanceOf(DecodeException.class).hasMessageContaining("'time'").hasMessageContaining("RFC 3339");
    }

    @Test
    void structuredCoreAttributesMustBeJsonStrings() throws Exception {
        ObjectNode json = (ObjectNode) JSON.readTree(structured("id", "e-1"));
        json.put("id", 42);
        assertThatThrownBy(() -> codec.decode(inbound(JSON.writeValueAsBytes(json),
                Map.of("content-type", "application/cloudevents+json")), QUEUE))
                .isInstanceOf(DecodeException.class).hasMessageContaining("'id'").hasMessageContaining("string");
    }

    // ---------------------------------------------------------------- valid edge cases, both modes

    static Stream<Arguments> validEdgeCases() {
        return Stream.of(
                arguments("time", "2024-01-01T10:00:00Z"),
                arguments("time", "2024-01-01T10:00:00.123456789Z"),
                arguments("time", "2024-01-01T10:00:00.5+05:00"),
                arguments("time", "2024-01-01T10:00:00-00:00"),
                arguments("time", "2024-12-31T23:59:59-11:30"),
                arguments("time", "2024-02-29t10:00:00z"),
                arguments("datacontenttype", "application/json"),
                arguments("datacontenttype", "application/json; charset=utf-8"),
                arguments("datacontenttype", "text/plain;charset=\"utf-8\";format=flowed"),
                arguments("datacontenttype", "application/vnd.example.order+json"),
                arguments("datacontenttype", "multipart/mixed; boundary=\"simple boundary\""),
                arguments("source", "urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66"),
                arguments("source", "1-555-123-4567"),
                arguments("source", "https://github.com/cloudevents"),
                arguments("dataschema", "https://example.com/schemas/order.json"),
                arguments("dataschema", "urn:example:schema:1"),
                arguments("subject", "o-42"),
                arguments("id", "x"));
    }

    @ParameterizedTest(name = "binary {0}={1}")
    @MethodSource("validEdgeCases")
    void binaryModeAcceptsValidEdgeCases(String name, String value) throws Exception {
        CloudEvent e = codec.decode(inbound("{}".getBytes(StandardCharsets.UTF_8), binary(name, value)), QUEUE);
        assertAttribute(e, name, value);
    }

    @ParameterizedTest(name = "structured {0}={1}")
    @MethodSource("validEdgeCases")
    void structuredModeAcceptsValidEdgeCases(String name, String value) throws Exception {
        CloudEvent e = codec.decode(inbound(structured(name, value),
                Map.of("content-type", "application/cloudevents+json; charset=UTF-8")), QUEUE);
        assertAttribute(e, name, value);
    }

    private static void assertAttribute(CloudEvent e, String name, String value) {
        switch (name) {
            case "time" -> assertThat(e.getTime()).isEqualTo(OffsetDateTime.parse(value.toUpperCase()));
            case "datacontenttype" -> assertThat(e.getDataContentType()).isEqualTo(value);
            case "source" -> assertThat(e.getSource()).isEqualTo(URI.create(value));
            case "dataschema" -> assertThat(e.getDataSchema()).isEqualTo(URI.create(value));
            case "subject" -> assertThat(e.getSubject()).isEqualTo(value);
            case "id" -> assertThat(e.getId()).isEqualTo(value);
            default -> throw new AssertionError(name);
        }
    }

    // ---------------------------------------------------------------- before encoding

    static Stream<Arguments> badEvents() {
        HandMade ok = HandMade.valid();
        return Stream.of(
                arguments(ok.with(h -> h.id = ""), "'id'", "empty"),
                arguments(ok.with(h -> h.source = URI.create("")), "'source'", "empty"),
                arguments(ok.with(h -> h.type = ""), "'type'", "empty"),
                arguments(ok.with(h -> h.type = null), "'type'", "missing"),
                arguments(ok.with(h -> h.specVersion = SpecVersion.V03), "'specversion'", "not supported"),
                arguments(ok.with(h -> h.subject = ""), "'subject'", "empty"),
                arguments(ok.with(h -> h.dataSchema = URI.create("")), "'dataschema'", "empty"),
                arguments(ok.with(h -> h.dataSchema = URI.create("/schemas/order")), "'dataschema'", "absolute URI"),
                arguments(ok.with(h -> h.dataContentType = ""), "'datacontenttype'", "empty"),
                arguments(ok.with(h -> h.dataContentType = "json"), "'datacontenttype'", "RFC 2046 media type"),
                arguments(ok.with(h -> h.dataContentType = "text/plain;"), "'datacontenttype'", "RFC 2046 media type"),
                arguments(ok.with(h -> h.time = OffsetDateTime.of(2024, 1, 1, 10, 0, 0, 0,
                        ZoneOffset.ofHoursMinutesSeconds(1, 0, 30))), "'time'", "RFC 3339"),
                arguments(ok.with(h -> h.time = OffsetDateTime.of(12024, 1, 1, 10, 0, 0, 0, ZoneOffset.UTC)),
                        "'time'", "RFC 3339"),
                arguments(ok.with(h -> h.extensions = Map.of("Bad_Name", "v")), "'Bad_Name'", "lower-case"),
                arguments(ok.with(h -> h.extensions = Map.of("abcdefghijklmnopqrstu", "v")), "'abcdefghijklmnopqrstu'",
                        "lower-case"));
    }

    @ParameterizedTest(name = "{1} {2}")
    @MethodSource("badEvents")
    void aBadEventIsRefusedBeforeEncodingNamingTheEventAndTheAttribute(HandMade event, String attribute, String what) {
        assertThatThrownBy(() -> codec.encode(event, PublishOptions.NONE))
                .isInstanceOf(SluiceException.class)
                .satisfies(t -> assertThat(((SluiceException) t).code()).isEqualTo(ErrorCode.INVALID))
                .hasMessageContaining("event '" + (event.id == null || event.id.isEmpty() ? "?" : event.id) + "'")
                .hasMessageContaining(attribute)
                .hasMessageContaining(what);
    }

    @Test
    void aValidEventWithEveryAttributeRoundTripsInBothModes() throws Exception {
        CloudEvent e = CloudEventBuilder.v1().withId("e-1").withSource(URI.create("urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66"))
                .withType("order.placed").withSubject("o-42").withDataSchema(URI.create("https://example.com/s"))
                .withTime(OffsetDateTime.parse("2024-01-01T10:00:00.123+05:00"))
                .withData("application/json; charset=utf-8", "{\"n\":1}".getBytes(StandardCharsets.UTF_8))
                .withExtension("tenant", "acme").build();
        CloudEventCodec tiny = new CloudEventCodec(Capabilities.builder("tiny").maxAttributes(3).build());

        assertThat(codec.decode(received(codec, e), QUEUE)).isEqualTo(e);
        assertThat(tiny.decode(received(tiny, e), QUEUE)).isEqualTo(e);
        assertThat(received(tiny, e).attributes()).containsOnlyKeys("content-type");
    }

    // ---------------------------------------------------------------- helpers

    private static InboundMessage received(CloudEventCodec c, CloudEvent e) {
        var m = c.encode(e, PublishOptions.NONE);
        return inbound(m.body(), m.attributes());
    }

    private static String binaryKey(String name) {
        return name.equals("datacontenttype") ? "content-type" : "ce-" + name;
    }

    private static Map<String, String> binary(String name, String value) {
        Map<String, String> a = new HashMap<>();
        VALID.forEach((k, v) -> a.put("ce-" + k, v));
        a.remove(binaryKey(name));
        if (value != null) a.put(binaryKey(name), value);
        return a;
    }

    private static byte[] structured(String name, String value) {
        Map<String, Object> json = new LinkedHashMap<>(VALID);
        json.remove(name);
        if (value != null) json.put(name, value);
        if (!name.equals("datacontenttype")) json.put("datacontenttype", "text/plain");
        json.put("data", SECRET);
        try {
            return JSON.writeValueAsBytes(json);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static InboundMessage inbound(byte[] body, Map<String, String> attributes) {
        return new InboundMessage("msg-1", body, attributes, null, OptionalInt.of(1),
                Instant.parse("2026-05-01T10:00:00Z"), "handle", null);
    }

    /** An event built by hand, so that it can hold what the SDK's builder would not let through. */
    static final class HandMade implements CloudEvent {
        SpecVersion specVersion = SpecVersion.V1;
        String id = "e-9";
        URI source = URI.create("/orders");
        String type = "order.placed";
        String dataContentType;
        URI dataSchema;
        String subject;
        OffsetDateTime time;
        Map<String, Object> extensions = Map.of();

        static HandMade valid() {
            return new HandMade();
        }

        HandMade with(java.util.function.Consumer<HandMade> change) {
            HandMade copy = new HandMade();
            copy.specVersion = specVersion;
            copy.id = id;
            copy.source = source;
            copy.type = type;
            copy.dataContentType = dataContentType;
            copy.dataSchema = dataSchema;
            copy.subject = subject;
            copy.time = time;
            copy.extensions = extensions;
            change.accept(copy);
            return copy;
        }

        @Override public CloudEventData getData() { return null; }
        @Override public SpecVersion getSpecVersion() { return specVersion; }
        @Override public String getId() { return id; }
        @Override public String getType() { return type; }
        @Override public URI getSource() { return source; }
        @Override public String getDataContentType() { return dataContentType; }
        @Override public URI getDataSchema() { return dataSchema; }
        @Override public String getSubject() { return subject; }
        @Override public OffsetDateTime getTime() { return time; }
        @Override public Object getExtension(String name) { return extensions.get(name); }
        @Override public Set<String> getExtensionNames() { return extensions.keySet(); }

        @Override
        public Object getAttribute(String name) {
            return switch (name) {
                case "specversion" -> specVersion;
                case "id" -> id;
                case "source" -> source;
                case "type" -> type;
                case "datacontenttype" -> dataContentType;
                case "dataschema" -> dataSchema;
                case "subject" -> subject;
                case "time" -> time;
                default -> throw new IllegalArgumentException(name);
            };
        }

        @Override
        public String toString() {
            return "HandMade{id=" + id + "}";
        }
    }
}
