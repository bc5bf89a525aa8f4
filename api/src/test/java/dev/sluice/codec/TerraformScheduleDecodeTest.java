package dev.sluice.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.spi.Capabilities;
import dev.sluice.spi.InboundMessage;
import io.cloudevents.CloudEvent;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Decodes, with Sluice's own codec, what each schedule of the Terraform examples sends: the EventBridge
 * Scheduler body on AWS (a structured-mode CloudEvent) and the Cloud Scheduler message on GCP (a foreign
 * message carrying {@code sluice-type}). The fixtures are rendered from the modules' own expressions by
 * {@code node terraform/test/check.mjs}, and terraform/test fails when they are stale.
 */
class TerraformScheduleDecodeTest {
    private static final Path FIXTURES = Path.of("..", "terraform", "test", "fixtures");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final CloudEventCodec codec = new CloudEventCodec(Capabilities.builder("terraform-fixtures").build());

    private static List<Path> fixtures() throws IOException {
        try (Stream<Path> files = Files.list(FIXTURES)) {
            return files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
    }

    @Test
    void bothProvidersHaveScheduleFixtures() throws IOException {
        List<String> providers = fixtures().stream().map(p -> read(p).path("provider").asText()).distinct().sorted().toList();
        assertThat(providers).containsExactly("aws", "gcp");
    }

    @TestFactory
    Stream<DynamicTest> everyScheduleDecodesToItsCloudEvent() throws IOException {
        return fixtures().stream().map(path -> DynamicTest.dynamicTest(path.getFileName().toString(), () -> {
            JsonNode fixture = read(path);
            JsonNode expected = fixture.path("expected");
            URI queue = URI.create(fixture.path("queueUri").asText());

            CloudEvent event = codec.decode(inbound(fixture), queue);

            assertThat(event.getType()).isEqualTo(expected.path("type").asText());
            assertThat(event.getId()).isEqualTo(expected.path("id").asText());
            assertThat(event.getSource()).isEqualTo(URI.create(expected.path("source").asText()));
            assertThat(event.getDataContentType()).isEqualTo(expected.path("datacontenttype").asText());
            assertThat(event.getData()).as("data").isNotNull();
            assertThat(JSON.readTree(event.getData().toBytes())).isEqualTo(expected.path("data"));
            if (expected.has("time")) {
                assertThat(event.getTime()).isEqualTo(OffsetDateTime.parse(expected.path("time").asText()));
            }
        }));
    }

    /** The message as the SQS or Pub/Sub driver hands it to the codec. */
    private static InboundMessage inbound(JsonNode fixture) {
        JsonNode m = fixture.path("message");
        String messageId = m.path("messageId").asText();
        switch (fixture.path("provider").asText()) {
            case "aws" -> {
                // EventBridge Scheduler sends the body only: no message attributes.
                Map<String, String> attributes = strings(m.path("messageAttributes"));
                byte[] body = m.path("body").asText().getBytes(StandardCharsets.UTF_8);
                return new InboundMessage(messageId, body, attributes, null, OptionalInt.of(1), null, "receipt-handle", null);
            }
            case "gcp" -> {
                byte[] data = Base64.getDecoder().decode(m.path("data").asText());
                Instant published = Instant.parse(m.path("publishTime").asText());
                return new InboundMessage(messageId, data, strings(m.path("attributes")), null, OptionalInt.of(1),
                        published, "ack-id", null);
            }
            default -> throw new AssertionError("unknown provider in fixture: " + fixture.path("provider"));
        }
    }

    private static Map<String, String> strings(JsonNode object) {
        Map<String, String> out = new HashMap<>();
        object.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    private static JsonNode read(Path path) {
        try {
            return JSON.readTree(path.toFile());
        } catch (IOException e) {
            throw new AssertionError("cannot read " + path, e);
        }
    }
}
