package dev.sluice.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.PullRequest;
import com.google.pubsub.v1.PullResponse;
import dev.sluice.QueueSpec;
import dev.sluice.core.Sluice;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** WIRE-FORMAT.md's Pub/Sub example is what Sluice publishes for the example event. */
class WireFormatDocTest {
    private static final CloudEvent EXAMPLE = CloudEventBuilder.v1().withId("order-42-confirmed").withSource(URI.create("/shop/orders"))
            .withType("order.confirmed").withTime(OffsetDateTime.parse("2026-05-01T10:00:00Z"))
            .withData("application/json", "{\"order\":42,\"total\":9.99}".getBytes(StandardCharsets.UTF_8))
            .withExtension("tenant", "acme").build();

    @Test
    void thePubSubExampleIsWhatSluicePublishesForTheExampleEvent() throws Exception {
        try (TestServerFixture fx = new TestServerFixture(); Sluice sluice = fx.sluice()) {
            String topic = TestServerFixture.name("wire-doc");
            QueueSpec spec = QueueSpec.of(TestServerFixture.uri(topic).toString());
            sluice.open(spec);
            sluice.publisher(spec.uri()).publish(EXAMPLE).join();

            PullResponse pulled = fx.subscriptions.pull(PullRequest.newBuilder()
                    .setSubscription(TestServerFixture.subscriptionName(topic + "-sub")).setMaxMessages(10).build());
            assertThat(pulled.getReceivedMessagesList()).hasSize(1);
            PubsubMessage m = pulled.getReceivedMessages(0).getMessage();

            ObjectMapper json = new ObjectMapper();
            ObjectNode sent = json.createObjectNode().put("data", Base64.getEncoder().encodeToString(m.getData().toByteArray()));
            ObjectNode attributes = sent.putObject("attributes");
            m.getAttributesMap().forEach(attributes::put);
            assertThat(sent).isEqualTo(documented("pubsub"));
        }
    }

    private static JsonNode documented(String wire) throws Exception {
        String doc = Files.readString(Path.of("..", "WIRE-FORMAT.md"));
        Matcher m = Pattern.compile("```json wire=" + wire + "\\n(.*?)```", Pattern.DOTALL).matcher(doc);
        assertThat(m.find()).as("WIRE-FORMAT.md has a ```json wire=%s block", wire).isTrue();
        return new ObjectMapper().readTree(m.group(1));
    }
}
