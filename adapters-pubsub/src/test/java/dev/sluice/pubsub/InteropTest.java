package dev.sluice.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.pubsub.v1.AckReplyConsumer;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.cloud.pubsub.v1.Subscriber;
import com.google.protobuf.ByteString;
import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.Subscription;
import dev.sluice.QueueSpec;
import dev.sluice.core.Sluice;
import dev.sluice.codec.CloudEventCodec;
import dev.sluice.testkit.Await;
import dev.sluice.worker.Worker;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/** Sluice and plain Google clients on the same topics, both ways. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class InteropTest {
    private TestServerFixture fx;
    private Sluice sluice;

    @BeforeAll
    void start() {
        fx = new TestServerFixture();
        sluice = fx.sluice();
    }

    @AfterAll
    void stop() {
        sluice.close();
        fx.close();
    }

    @Test
    void aPlainPublisherMessageWithoutCeAttributesIsConsumedAsAWrappedCloudEvent() throws Exception {
        String topic = TestServerFixture.name("foreign");
        QueueSpec spec = QueueSpec.of(TestServerFixture.uri(topic).toString());
        sluice.open(spec);
        Publisher plain = Publisher.newBuilder(TestServerFixture.topicName(topic))
                .setChannelProvider(fx.server.channelProvider()).setCredentialsProvider(fx.server.credentialsProvider())
                .build();
        List<CloudEvent> received = new CopyOnWriteArrayList<>();
        try (Worker worker = sluice.worker(spec).on(CloudEventCodec.FOREIGN_TYPE, (e, d) -> received.add(e)).start()) {
            String id = plain.publish(PubsubMessage.newBuilder().setData(ByteString.copyFromUtf8("legacy payload"))
                    .putAttributes("origin", "billing").build()).get(10, TimeUnit.SECONDS);

            Await.until("the foreign message handled", () -> received.size() == 1);
            CloudEvent e = received.get(0);
            assertThat(e.getType()).isEqualTo("dev.sluice.foreign");
            assertThat(e.getId()).isEqualTo(id);
            assertThat(e.getSource()).isEqualTo(URI.create("pubsub://projects/" + TestServerFixture.PROJECT + "/topics/" + topic));
            assertThat(e.getTime()).isNotNull();
            assertThat(e.getExtension("origin")).isEqualTo("billing");
            assertThat(new String(e.getData().toBytes(), StandardCharsets.UTF_8)).isEqualTo("legacy payload");
        } finally {
            plain.shutdown();
            plain.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aSluiceMessageReadByAPlainSubscriberCarriesCeAttributesPerTheBinding() throws Exception {
        String topic = TestServerFixture.name("binding");
        URI uri = TestServerFixture.uri(topic);
        sluice.open(QueueSpec.builder(uri).build());
        String plainSubscription = TestServerFixture.subscriptionName(topic + "-plain");
        fx.subscriptions.createSubscription(Subscription.newBuilder().setName(plainSubscription)
                .setTopic(TestServerFixture.topicName(topic)).setAckDeadlineSeconds(30).build());
        List<PubsubMessage> received = new CopyOnWriteArrayList<>();
        Subscriber subscriber = Subscriber.newBuilder(plainSubscription, (PubsubMessage m, AckReplyConsumer ack) -> {
            received.add(m);
            ack.ack();
        }).setChannelProvider(fx.server.channelProvider()).setCredentialsProvider(fx.server.credentialsProvider()).build();
        subscriber.startAsync().awaitRunning();
        try {
            CloudEvent event = CloudEventBuilder.v1().withId("order-7").withSource(URI.create("/shop"))
                    .withType("shop.order.placed").withSubject("order/7")
                    .withTime(OffsetDateTime.parse("2026-05-06T07:08:09Z"))
                    .withData("application/json", "{\"total\":12.5}".getBytes(StandardCharsets.UTF_8))
                    .withExtension("tenant", "acme").build();
            sluice.publisher(uri).publish(event).get(10, TimeUnit.SECONDS);

            Await.until("the plain subscriber got the message", () -> received.size() == 1);
            PubsubMessage m = received.get(0);
            assertThat(m.getAttributesMap()).containsAllEntriesOf(Map.of(
                    "ce-specversion", "1.0",
                    "ce-id", "order-7",
                    "ce-source", "/shop",
                    "ce-type", "shop.order.placed",
                    "ce-subject", "order/7",
                    "ce-time", "2026-05-06T07:08:09Z",
                    "ce-tenant", "acme",
                    "content-type", "application/json"));
            assertThat(m.getData().toStringUtf8()).isEqualTo("{\"total\":12.5}");
        } finally {
            subscriber.stopAsync().awaitTerminated(10, TimeUnit.SECONDS);
        }
    }
}
