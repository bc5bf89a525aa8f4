package dev.sluice.sqs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.QueueSpec;
import dev.sluice.core.Sluice;
import dev.sluice.codec.CloudEventCodec;
import dev.sluice.worker.Worker;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/** Sluice and the plain AWS SDK on one queue, both ways. */
class SqsInteropTest {
    private static ElasticMq mq;
    private static SqsAsyncClient plain;
    private static Sluice sluice;

    @BeforeAll
    static void start() {
        mq = ElasticMq.start();
        plain = mq.client();
        sluice = mq.sluice();
    }

    @AfterAll
    static void stop() {
        sluice.close();
        plain.close();
        mq.close();
    }

    @Test
    void plainSdkMessageIsConsumedAsAWrappedCloudEvent() throws Exception {
        QueueSpec spec = QueueSpec.of("sqs://interop-in");
        sluice.open(spec);
        String url = plain.getQueueUrl(b -> b.queueName("interop-in")).join().queueUrl();
        String id = plain.sendMessage(b -> b.queueUrl(url).messageBody("{\"order\": 42}").messageAttributes(Map.of(
                "origin", MessageAttributeValue.builder().dataType("String").stringValue("legacy-app").build(),
                "priority", MessageAttributeValue.builder().dataType("Number").stringValue("5").build()))).join().messageId();

        List<CloudEvent> received = new CopyOnWriteArrayList<>();
        try (Worker w = sluice.worker(spec).on(CloudEventCodec.FOREIGN_TYPE, (e, d) -> received.add(e)).start()) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (received.isEmpty() && System.nanoTime() < deadline) TimeUnit.MILLISECONDS.sleep(50);
        }

        assertThat(received).hasSize(1);
        CloudEvent e = received.get(0);
        assertThat(e.getType()).isEqualTo("dev.sluice.foreign");
        assertThat(e.getId()).isEqualTo(id);
        assertThat(e.getSource()).isEqualTo(URI.create("sqs://interop-in"));
        assertThat(e.getTime()).isNotNull();
        assertThat(e.getExtension("origin")).isEqualTo("legacy-app");
        assertThat(e.getExtension("priority")).isEqualTo("5");
        assertThat(new String(e.getData().toBytes(), StandardCharsets.UTF_8)).isEqualTo("{\"order\": 42}");
    }

    @Test
    void sluiceMessageReadWithThePlainSdkHasItsDataInTheBodyAndCeAttributes() {
        QueueSpec spec = QueueSpec.of("sqs://interop-out");
        sluice.open(spec);
        CloudEvent event = CloudEventBuilder.v1().withId("out-1").withSource(URI.create("/orders")).withType("order.placed")
                .withSubject("order-42").withData("application/json", "{\"total\": 9.99}".getBytes(StandardCharsets.UTF_8))
                .withExtension("tenant", "acme").build();
        sluice.publisher(spec.uri()).publish(event).join();

        String url = plain.getQueueUrl(b -> b.queueName("interop-out")).join().queueUrl();
        List<Message> got = plain.receiveMessage(b -> b.queueUrl(url).waitTimeSeconds(5).messageAttributeNames("All"))
                .join().messages();

        assertThat(got).hasSize(1);
        Message m = got.get(0);
        assertThat(m.body()).isEqualTo("{\"total\": 9.99}");
        Map<String, String> attributes = new java.util.HashMap<>();
        m.messageAttributes().forEach((k, v) -> attributes.put(k, v.stringValue()));
        assertThat(attributes).containsEntry("ce-id", "out-1").containsEntry("ce-source", "/orders")
                .containsEntry("ce-type", "order.placed").containsEntry("ce-specversion", "1.0")
                .containsEntry("ce-subject", "order-42").containsEntry("ce-tenant", "acme")
                .containsEntry("content-type", "application/json");
        assertThat(m.messageAttributes().values()).allSatisfy(v -> assertThat(v.dataType()).isEqualTo("String"));
    }

    @Test
    void emptyAndNonTextBodiesSurviveTheTrip() throws Exception {
        QueueSpec spec = QueueSpec.of("sqs://interop-bodies");
        var driver = sluice.open(spec).driver();
        byte[] binary = {0, 1, 2, (byte) 0xff};
        driver.send(List.of(
                new dev.sluice.spi.OutboundMessage("empty", new byte[0], Map.of(), null, null, Duration.ZERO),
                new dev.sluice.spi.OutboundMessage("binary", binary, Map.of("k", "v"), null, null, Duration.ZERO)));
        Map<String, dev.sluice.spi.InboundMessage> byBody = new java.util.HashMap<>();
        for (int i = 0; i < 10 && byBody.size() < 2; i++) {
            for (var m : driver.receive(10, Duration.ofSeconds(1))) byBody.put(m.attributes().containsKey("k") ? "binary" : "empty", m);
        }
        assertThat(byBody.get("empty").body()).isEmpty();
        assertThat(byBody.get("empty").attributes()).isEmpty();
        assertThat(byBody.get("binary").body()).isEqualTo(binary);
        assertThat(byBody.get("binary").attributes()).isEqualTo(Map.of("k", "v"));
    }
}
