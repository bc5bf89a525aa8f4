package dev.sluice.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class CloudEventCodecTest {
    private static final URI QUEUE = URI.create("mem://orders");
    private static final Capabilities STRICT = Capabilities.builder("test broker").build();
    private static final Capabilities TEXT_ONLY = STRICT.toBuilder().textBodyOnly(true).build();

    private final CloudEventCodec codec = new CloudEventCodec(STRICT);

    private static CloudEventBuilder base(String id) {
        return CloudEventBuilder.v1().withId(id).withSource(URI.create("/orders")).withType("order.placed");
    }

    private static InboundMessage received(OutboundMessage m) {
        return new InboundMessage("msg-1", m.body(), m.attributes(), m.orderingKey(), OptionalInt.of(1),
                Instant.parse("2026-05-01T10:00:00Z"), "handle", null);
    }

    private static InboundMessage received(byte[] body, Map<String, String> attributes) {
        return new InboundMessage("msg-1", body, attributes, null, OptionalInt.of(1),
                Instant.parse("2026-05-01T10:00:00Z"), "handle", null);
    }

    @Test
    void binaryModeCarriesEveryAttributeAsCeAttributesAndTheDataAsTheBody() throws Exception {
        CloudEvent e = base("e-1").withSubject("o-42").withTime(OffsetDateTime.parse("2026-05-01T10:00:00.5+02:00"))
                .withDataSchema(URI.create("https://example.com/schema")).withData("application/json", "{\"n\":1}".getBytes(StandardCharsets.UTF_8))
                .withExtension("tenant", "acme").build();

        OutboundMessage m = codec.encode(e, PublishOptions.NONE);

        assertThat(m.attributes()).containsEntry("ce-specversion", "1.0").containsEntry("ce-id", "e-1")
                .containsEntry("ce-source", "/orders").containsEntry("ce-type", "order.placed")
                .containsEntry("ce-subject", "o-42").containsEntry("ce-time", "2026-05-01T10:00:00.5+02:00")
                .containsEntry("ce-dataschema", "https://example.com/schema").containsEntry("content-type", "application/json")
                .containsEntry("ce-tenant", "acme");
        assertThat(new String(m.body(), StandardCharsets.UTF_8)).isEqualTo("{\"n\":1}");
        assertThat(codec.decode(received(m), QUEUE)).isEqualTo(e);
    }

    @Test
    void binaryDataSurvivesByteForByte() throws Exception {
        byte[] data = new byte[1024];
        for (int i = 0; i < data.length; i++) data[i] = (byte) (i * 31);
        CloudEvent e = base("bin").withData("application/octet-stream", data).build();

        CloudEvent back = codec.decode(received(codec.encode(e, PublishOptions.NONE)), QUEUE);

        assertThat(back.getData().toBytes()).isEqualTo(data);
        assertThat(back).isEqualTo(e);
    }

    @Test
    void binaryDataOnATextOnlyBrokerTravelsInStructuredModeAndStillRoundTrips() throws Exception {
        CloudEventCodec text = new CloudEventCodec(TEXT_ONLY);
        byte[] data = {(byte) 0xff, 0, (byte) 0xfe, 10};
        CloudEvent e = base("bin").withData("application/octet-stream", data).build();

        OutboundMessage m = text.encode(e, PublishOptions.NONE);

        assertThat(m.attributes()).containsOnlyKeys("content-type");
        assertThat(m.attributes().get("content-type")).startsWith("application/cloudevents+json");
        assertThat(CloudEventCodec.isText(m.body())).isTrue();
        assertThat(text.decode(received(m), QUEUE)).isEqualTo(e);
    }

    @Test
    void emptyDataAndControlCharactersOnATextOnlyBrokerTravelInStructuredMode() throws Exception {
        CloudEventCodec text = new CloudEventCodec(TEXT_ONLY);
        CloudEvent noData = base("none").build();
        CloudEvent control = base("ctl").withData("text/plain", "a\u0001b".getBytes(StandardCharsets.UTF_8)).build();
        CloudEvent plain = base("ok").withData("text/plain", "tab\tand line\n".getBytes(StandardCharsets.UTF_8)).build();

        assertThat(text.encode(noData, PublishOptions.NONE).attributes()).containsOnlyKeys("content-type");
        assertThat(text.encode(control, PublishOptions.NONE).attributes()).containsOnlyKeys("content-type");
        assertThat(text.encode(plain, PublishOptions.NONE).attributes()).containsKey("ce-id");
        assertThat(text.decode(received(text.encode(control, PublishOptions.NONE)), QUEUE)).isEqualTo(control);
        assertThat(text.decode(received(text.encode(noData, PublishOptions.NONE)), QUEUE)).isEqualTo(noData);
    }

    @Test
    void tooManyAttributesFallBackToStructuredModeLeavingOneSlotForTheDeadLetterReason() throws Exception {
        CloudEventBuilder b = base("many").withSubject("s").withTime(OffsetDateTime.now(ZoneOffset.UTC));
        // specversion, id, source, type, subject, time = 6; three extensions make 9 = 10 - 1 reserved: binary
        b.withExtension("a", "1").withExtension("b", "2").withExtension("c", "3");
        assertThat(codec.encode(b.build(), PublishOptions.NONE).attributes()).hasSize(9).containsKey("ce-c");
        // a fourth makes 10: structured
        CloudEvent e = b.withExtension("d", "4").build();
        OutboundMessage m = codec.encode(e, PublishOptions.NONE);
        assertThat(m.attributes()).containsOnlyKeys("content-type");
        assertThat(codec.decode(received(m), QUEUE)).isEqualTo(e);
    }

    @Test
    void anAttributeValueOverTheBrokersLengthFallsBackToStructuredMode() throws Exception {
        CloudEvent e = base("long").withSubject("x".repeat(2000)).build();
        OutboundMessage m = codec.encode(e, PublishOptions.NONE);
        assertThat(m.attributes()).containsOnlyKeys("content-type");
        assertThat(codec.decode(received(m), QUEUE)).isEqualTo(e);
    }

    @Test
    void integerAndBooleanExtensionsKeepTheirTypes() throws Exception {
        CloudEvent e = base("typed").withExtension("count", 42).withExtension("urgent", true).build();
        CloudEvent back = codec.decode(received(codec.encode(e, PublishOptions.NONE)), QUEUE);
        assertThat(back.getExtension("count")).isEqualTo(42);
        assertThat(back.getExtension("urgent")).isEqualTo(true);
        assertThat(back).isEqualTo(e);
    }

    @Test
    void optionsTravelWithTheMessage() {
        OutboundMessage m = codec.encode(base("o").build(),
                PublishOptions.orderingKey("k").withDeduplicationId("d").withDelay(java.time.Duration.ofSeconds(5)));
        assertThat(m.orderingKey()).isEqualTo("k");
        assertThat(m.deduplicationId()).isEqualTo("d");
        assertThat(m.delay()).hasSeconds(5);
    }

    @Test
    void aForeignMessageIsWrappedWithTheBrokersIdTheQueueAsSourceAndLegalAttributesAsExtensions() throws Exception {
        CloudEvent e = codec.decode(received("plain text".getBytes(StandardCharsets.UTF_8),
                Map.of("origin", "legacy", "Bad-Name", "dropped", "content-type", "text/plain")), QUEUE);

        assertThat(e.getId()).isEqualTo("msg-1");
        assertThat(e.getSource()).isEqualTo(QUEUE);
        assertThat(e.getType()).isEqualTo(CloudEventCodec.FOREIGN_TYPE);
        assertThat(e.getTime()).isEqualTo(OffsetDateTime.parse("2026-05-01T10:00:00Z"));
        assertThat(e.getDataContentType()).isEqualTo("text/plain");
        assertThat(e.getExtensionNames()).containsExactly("origin");
        assertThat(new String(e.getData().toBytes(), StandardCharsets.UTF_8)).isEqualTo("plain text");
    }

    @Test
    void aForeignMessagesSourceIsTheQueuesIdentityWithoutEndpointRegionOrSubscription() throws Exception {
        byte[] body = "plain".getBytes(StandardCharsets.UTF_8);
        CloudEvent dev = codec.decode(received(body, Map.of()),
                URI.create("sqs://jobs?endpoint=http://127.0.0.1:9324&region=us-east-1"));
        CloudEvent prod = codec.decode(received(body, Map.of()), URI.create("sqs://jobs?region=eu-west-1"));
        CloudEvent pubsub = codec.decode(received(body, Map.of()),
                URI.create("pubsub://projects/acme/topics/jobs?subscription=jobs-worker#x"));

        assertThat(dev.getSource()).isEqualTo(URI.create("sqs://jobs")).isEqualTo(prod.getSource());
        assertThat(pubsub.getSource()).isEqualTo(URI.create("pubsub://projects/acme/topics/jobs"));
    }

    @Test
    void aForeignMessageMayNameItsTypeWithTheSluiceTypeAttribute() throws Exception {
        CloudEvent e = codec.decode(received("{}".getBytes(StandardCharsets.UTF_8),
                Map.of(CloudEventCodec.TYPE_ATTRIBUTE, "report.daily")), QUEUE);
        assertThat(e.getType()).isEqualTo("report.daily");
    }

    @Test
    void aStructuredBodyWithoutAttributesIsReadAsACloudEvent() throws Exception {
        String body = "{\"specversion\":\"1.0\",\"id\":\"s-1\",\"source\":\"/scheduler\",\"type\":\"tick\","
                + "\"datacontenttype\":\"application/json\",\"data\":{\"n\":1}}";
        CloudEvent e = codec.decode(received(body.getBytes(StandardCharsets.UTF_8), Map.of()), QUEUE);
        assertThat(e.getId()).isEqualTo("s-1");
        assertThat(e.getType()).isEqualTo("tick");
    }

    @Test
    void aJsonBodyThatIsNotACloudEventIsWrappedAsForeign() throws Exception {
        CloudEvent e = codec.decode(received("{\"specversion\":\"mine\"}".getBytes(StandardCharsets.UTF_8), Map.of()), QUEUE);
        assertThat(e.getType()).isEqualTo(CloudEventCodec.FOREIGN_TYPE);
    }

    @Test
    void onlyTopLevelSpecversionAndTypeMakeABodyWithoutContentTypeStructured() throws Exception {
        String nested = "{\"order\":{\"specversion\":\"1.0\",\"type\":\"t\"},\"items\":[{\"type\":\"x\"}],\"note\":\"type\"}";
        CloudEvent foreign = codec.decode(received(nested.getBytes(StandardCharsets.UTF_8), Map.of()), QUEUE);
        assertThat(foreign.getType()).isEqualTo(CloudEventCodec.FOREIGN_TYPE);
        assertThat(foreign.getData().toBytes()).isEqualTo(nested.getBytes(StandardCharsets.UTF_8));

        String afterNested = "{\"data\":{\"a\":[1,{\"type\":\"x\"}]},\"specversion\":\"1.0\",\"id\":\"s-2\","
                + "\"source\":\"/scheduler\",\"type\":\"tick\"}";
        CloudEvent structured = codec.decode(received(afterNested.getBytes(StandardCharsets.UTF_8), Map.of()), QUEUE);
        assertThat(structured.getId()).isEqualTo("s-2");
        assertThat(structured.getType()).isEqualTo("tick");
    }

    @Test
    void aBodyWithoutContentTypeThatBreaksAfterSpecversionAndTypeIsWrappedAsForeign() throws Exception {
        byte[] body = "{\"specversion\":\"1.0\",\"type\":\"tick\",\"id\": oops".getBytes(StandardCharsets.UTF_8);
        CloudEvent e = codec.decode(received(body, Map.of()), QUEUE);
        assertThat(e.getType()).isEqualTo(CloudEventCodec.FOREIGN_TYPE);
        assertThat(e.getData().toBytes()).isEqualTo(body);
    }

    @Test
    void corruptBinaryAttributesFailNamingTheAttribute() {
        Map<String, String> ok = Map.of("ce-specversion", "1.0", "ce-id", "x", "ce-source", "/s", "ce-type", "t");
        assertDecodeFails(without(ok, "ce-id"), "'ce-id' is missing");
        assertDecodeFails(with(ok, "ce-id", ""), "'ce-id' is empty");
        assertDecodeFails(without(ok, "ce-type"), "'ce-type' is missing");
        assertDecodeFails(with(ok, "ce-time", "yesterday"), "ce-time 'yesterday'");
        assertDecodeFails(with(ok, "ce-specversion", "0.2"), "ce-specversion '0.2' is not supported");
        assertDecodeFails(with(ok, "ce-source", "::not a uri"), "'ce-source' is not a URI");
        assertDecodeFails(with(ok, "ce-Bad_Name", "v"), "extension name 'Bad_Name'");
        assertDecodeFails(without(ok, "ce-specversion"), "'ce-specversion' is missing");
    }

    @Test
    void brokenStructuredJsonFails() {
        assertThatThrownBy(() -> codec.decode(received("{not json".getBytes(StandardCharsets.UTF_8),
                Map.of("content-type", "application/cloudevents+json")), QUEUE))
                .isInstanceOf(DecodeException.class).hasMessageContaining("structured CloudEvent is invalid");
    }

    @Test
    void anEventWithABadExtensionNameIsRefusedOnEncodeNamingIt() {
        CloudEvent e = new NamedExtensionEvent(base("x").build(), "Not_Legal");
        assertThatThrownBy(() -> codec.encode(e, PublishOptions.NONE))
                .isInstanceOf(SluiceException.class).hasMessageContaining("event 'x'").hasMessageContaining("'Not_Legal'");
    }

    private void assertDecodeFails(Map<String, String> attributes, String expected) {
        assertThatThrownBy(() -> codec.decode(received(new byte[0], attributes), QUEUE))
                .isInstanceOf(DecodeException.class).hasMessageContaining(expected);
    }

    private static Map<String, String> with(Map<String, String> m, String k, String v) {
        Map<String, String> copy = new HashMap<>(m);
        copy.put(k, v);
        return copy;
    }

    private static Map<String, String> without(Map<String, String> m, String k) {
        Map<String, String> copy = new HashMap<>(m);
        copy.remove(k);
        return copy;
    }

    /** A hand-made event with one extension of the given name. */
    private record NamedExtensionEvent(CloudEvent d, String name) implements CloudEvent {
        @Override public io.cloudevents.CloudEventData getData() { return d.getData(); }
        @Override public io.cloudevents.SpecVersion getSpecVersion() { return d.getSpecVersion(); }
        @Override public String getId() { return d.getId(); }
        @Override public String getType() { return d.getType(); }
        @Override public URI getSource() { return d.getSource(); }
        @Override public String getDataContentType() { return null; }
        @Override public URI getDataSchema() { return null; }
        @Override public String getSubject() { return null; }
        @Override public OffsetDateTime getTime() { return null; }
        @Override public Object getAttribute(String n) { return d.getAttribute(n); }
        @Override public Object getExtension(String n) { return name.equals(n) ? "v" : null; }
        @Override public java.util.Set<String> getExtensionNames() { return java.util.Set.of(name); }
    }
}
