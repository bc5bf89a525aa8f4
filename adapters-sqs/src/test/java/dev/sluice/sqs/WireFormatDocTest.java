package dev.sluice.sqs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.QueueSpec;
import dev.sluice.core.Sluice;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.Message;

/** WIRE-FORMAT.md's SQS example is what Sluice sends for the example event. */
class WireFormatDocTest {
    static final CloudEvent EXAMPLE = CloudEventBuilder.v1().withId("order-42-confirmed").withSource(URI.create("/shop/orders"))
            .withType("order.confirmed").withTime(OffsetDateTime.parse("2026-05-01T10:00:00Z"))
            .withData("application/json", "{\"order\":42,\"total\":9.99}".getBytes(StandardCharsets.UTF_8))
            .withExtension("tenant", "acme").build();

    static JsonNode documented(String wire) throws Exception {
        String doc = Files.readString(Path.of("..", "WIRE-FORMAT.md"));
        Matcher m = Pattern.compile("```json wire=" + wire + "\\n(.*?)```", Pattern.DOTALL).matcher(doc);
        assertThat(m.find()).as("WIRE-FORMAT.md has a ```json wire=%s block", wire).isTrue();
        return new ObjectMapper().readTree(m.group(1));
    }

    @Test
    void theSqsExampleIsWhatSluiceSendsForTheExampleEvent() throws Exception {
        try (ElasticMq mq = ElasticMq.start(); Sluice sluice = mq.sluice(); SqsAsyncClient plain = mq.client()) {
            QueueSpec spec = QueueSpec.of("sqs://wire-doc");
            sluice.open(spec);
            sluice.publisher(spec.uri()).publish(EXAMPLE).join();

            String url = plain.getQueueUrl(b -> b.queueName("wire-doc")).join().queueUrl();
            List<Message> got = plain.receiveMessage(b -> b.queueUrl(url).messageAttributeNames("All").waitTimeSeconds(5)).join().messages();
            assertThat(got).hasSize(1);

            ObjectMapper json = new ObjectMapper();
            ObjectNode sent = json.createObjectNode().put("MessageBody", got.get(0).body());
            ObjectNode attributes = sent.putObject("MessageAttributes");
            got.get(0).messageAttributes().forEach((k, v) ->
                    attributes.putObject(k).put("DataType", v.dataType()).put("StringValue", v.stringValue()));
            assertThat(sent).isEqualTo(documented("sqs"));
        }
    }
}
