package dev.sluice.pubsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.cloud.pubsub.v1.Publisher;
import com.google.protobuf.ByteString;
import com.google.pubsub.v1.PubsubMessage;
import dev.sluice.ConfigurationException;
import dev.sluice.DeadLetter;
import dev.sluice.DeadLetterReason;
import dev.sluice.ErrorCode;
import dev.sluice.QueueSpec;
import dev.sluice.core.Sluice;
import dev.sluice.SluiceException;
import dev.sluice.testkit.Await;
import dev.sluice.worker.Worker;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/** What goes wrong, through the portable API: each gets a clear error, or the DLQ with its reason. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BadInputTest {
    private static final String TYPE = "dev.sluice.bad-input";
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
    void aUriWithoutProjectFailsNamingIt() {
        assertThatThrownBy(() -> sluice.publisher("pubsub://topics/orders"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("project is missing");
    }

    @Test
    void aWorkerOnAUriWithoutSubscriptionFailsAtStartUpNamingIt() {
        QueueSpec spec = QueueSpec.of("pubsub://projects/" + TestServerFixture.PROJECT + "/topics/" + TestServerFixture.name("nosub"));
        assertThatThrownBy(() -> sluice.worker(spec).on(TYPE, (e, d) -> { }).start().close())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("names no subscription");
    }

    @Test
    void publishingToATopicThatDoesNotExistFailsAsNotFound() {
        String topic = TestServerFixture.name("missing");
        assertThatThrownBy(() -> sluice.publisher(TestServerFixture.uri(topic)).publish(event("m-1")).get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(SluiceException.class)
                .hasMessageContaining(TestServerFixture.topicName(topic))
                .satisfies(e -> assertThat(((SluiceException) e).code()).isEqualTo(ErrorCode.NOT_FOUND));
    }

    @Test
    void anAttributeValueOverTheLimitOrMoreThanAHundredAttributesTravelInStructuredMode() throws Exception {
        QueueSpec spec = QueueSpec.of(TestServerFixture.uri(TestServerFixture.name("structured")).toString());
        CloudEventBuilder many = CloudEventBuilder.v1().withId("many-1").withSource(URI.create("/s")).withType(TYPE);
        for (int i = 0; i < 120; i++) many.withExtension("x" + i, "v" + i);
        CloudEvent longValue = CloudEventBuilder.v1().withId("long-1").withSource(URI.create("/s")).withType(TYPE)
                .withExtension("note", "n".repeat(2000)).build();
        List<CloudEvent> received = new CopyOnWriteArrayList<>();
        try (Worker worker = sluice.worker(spec).on(TYPE, (e, d) -> received.add(e)).start()) {
            sluice.publisher(spec.uri()).publish(many.build()).get(30, TimeUnit.SECONDS);
            sluice.publisher(spec.uri()).publish(longValue).get(30, TimeUnit.SECONDS);
            Await.until("both events handled", () -> received.size() == 2);
        }
        assertThat(received).containsExactlyInAnyOrder(many.build(), longValue);
    }

    @Test
    void corruptCeAttributesGoToTheDeadLetterQueueWithTheReasonAndNothingIsLost() throws Exception {
        String topic = TestServerFixture.name("corrupt");
        QueueSpec spec = QueueSpec.of(TestServerFixture.uri(topic).toString());
        sluice.open(spec);
        Publisher plain = Publisher.newBuilder(TestServerFixture.topicName(topic))
                .setChannelProvider(fx.server.channelProvider()).setCredentialsProvider(fx.server.credentialsProvider())
                .build();
        Set<String> handled = ConcurrentHashMap.newKeySet();
        try (Worker worker = sluice.worker(spec).on(TYPE, (e, d) -> handled.add(e.getId())).start()) {
            plain.publish(ce("bad-time").putAttributes("ce-time", "yesterday").build()).get(10, TimeUnit.SECONDS);
            plain.publish(ce("bad-version").putAttributes("ce-specversion", "0.9").build()).get(10, TimeUnit.SECONDS);
            plain.publish(ce("bad-ext").putAttributes("ce-Not_Legal", "x").build()).get(10, TimeUnit.SECONDS);
            plain.publish(PubsubMessage.newBuilder().setData(ByteString.copyFromUtf8("x"))
                    .putAttributes("ce-type", TYPE).build()).get(10, TimeUnit.SECONDS);
            sluice.publisher(spec.uri()).publish(event("good-1")).get(10, TimeUnit.SECONDS);

            Await.until("the good event handled", () -> handled.contains("good-1"));
            List<DeadLetter> dead = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (dead.size() < 4 && System.nanoTime() < deadline) dead = sluice.deadLetters(spec).peek(10);

            assertThat(dead).hasSize(4).allSatisfy(d ->
                    assertThat(d.reason().orElseThrow().cause()).isEqualTo(DeadLetterReason.Cause.UNDECODABLE));
            assertThat(dead).extracting(d -> d.reason().orElseThrow().message()).anySatisfy(m -> assertThat(m).contains("ce-time"))
                    .anySatisfy(m -> assertThat(m).contains("ce-specversion", "0.9"))
                    .anySatisfy(m -> assertThat(m).contains("ce-Not_Legal"))
                    .anySatisfy(m -> assertThat(m).contains("ce-specversion' is missing"));
            assertThat(dead).allSatisfy(d -> assertThat(d.body()).isNotEmpty());
        } finally {
            plain.shutdown();
            plain.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    private static PubsubMessage.Builder ce(String id) {
        return PubsubMessage.newBuilder().setData(ByteString.copyFrom(id, StandardCharsets.UTF_8))
                .putAttributes("ce-specversion", "1.0").putAttributes("ce-id", id)
                .putAttributes("ce-source", "/producer").putAttributes("ce-type", TYPE);
    }

    private static CloudEvent event(String id) {
        return CloudEventBuilder.v1().withId(id).withSource(URI.create("/s")).withType(TYPE)
                .withData("text/plain", id.getBytes(StandardCharsets.UTF_8)).build();
    }
}
