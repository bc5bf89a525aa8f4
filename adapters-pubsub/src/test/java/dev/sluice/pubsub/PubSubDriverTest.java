package dev.sluice.pubsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.cloud.pubsub.v1.Publisher;
import com.google.cloud.pubsub.v1.SubscriptionAdminClient;
import com.google.cloud.pubsub.v1.TopicAdminClient;
import com.google.cloud.pubsub.v1.stub.GrpcSubscriberStub;
import com.google.cloud.pubsub.v1.stub.SubscriberStub;
import com.google.pubsub.v1.DeadLetterPolicy;
import com.google.pubsub.v1.Subscription;
import dev.sluice.ConfigurationException;
import dev.sluice.ErrorCode;
import dev.sluice.QueueSpec;
import dev.sluice.RetryPolicy;
import dev.sluice.SluiceException;
import dev.sluice.spi.Capabilities;
import dev.sluice.spi.DriverContext;
import dev.sluice.spi.InboundMessage;
import dev.sluice.spi.OutboundMessage;
import dev.sluice.spi.QueueDriver;
import dev.sluice.spi.SendResult;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/** The driver's translation, call by call, against the test server on the wall clock. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PubSubDriverTest {
    private TestServerFixture fx;

    @BeforeAll
    void start() {
        fx = new TestServerFixture();
    }

    @AfterAll
    void stop() {
        fx.close();
    }

    @Test
    void depthIsUnknownAndSaysWhichCloudMonitoringMetricsHoldIt() {
        try (QueueDriver d = fx.driver(TestServerFixture.uri("depth-topic"))) {
            dev.sluice.QueueDepth depth = d.depth();
            assertThat(depth.queue()).isEqualTo(d.uri());
            assertThat(depth.visible()).isEmpty();
            assertThat(depth.inFlight()).isEmpty();
            assertThat(depth.delayed()).isEmpty();
            assertThat(depth.oldestAge()).isEmpty();
            assertThat(depth.note()).contains("subscription/num_undelivered_messages")
                    .contains("subscription/oldest_unacked_message_age");
        }
    }

    @Test
    void capabilitiesAreThoseOfPubSub() {
        try (QueueDriver d = fx.driver(TestServerFixture.uri("caps-topic"))) {
            Capabilities c = d.capabilities();
            assertThat(c.broker()).isEqualTo("Pub/Sub");
            assertThat(c.maxBatchSize()).isEqualTo(100);
            assertThat(c.maxMessageBytes()).isEqualTo(10_000_000);
            assertThat(c.maxAttributes()).isEqualTo(100);
            assertThat(c.maxAttributeKeyBytes()).isEqualTo(256);
            assertThat(c.maxAttributeValueBytes()).isEqualTo(1024);
            assertThat(c.ordering()).isTrue();
            assertThat(c.maxOrderingKeyLength()).isEqualTo(1024);
            assertThat(c.deduplication()).isFalse();
            assertThat(c.delays()).isFalse();
            assertThat(c.maxNackDelay()).isEqualTo(Duration.ofSeconds(600));
            assertThat(c.maxLease()).isEqualTo(Duration.ofSeconds(600));
            assertThat(c.attempts()).isEqualTo(Capabilities.AttemptCounting.APPROXIMATE);
            assertThat(c.minDeliveryAttempts()).isEqualTo(5);
            assertThat(c.maxDeliveryAttempts()).isEqualTo(100);
        }
    }

    @Test
    void defaultDeadLetterUriIsTopicDashDlqWithASubscriptionOfTheSameName() {
        try (QueueDriver d = fx.driver(URI.create("pubsub://projects/acme/topics/orders?subscription=worker&endpoint=127.0.0.1:1"))) {
            assertThat(d.defaultDeadLetterUri()).isEqualTo(
                    URI.create("pubsub://projects/acme/topics/orders-dlq?subscription=orders-dlq&endpoint=127.0.0.1%3A1"));
            assertThat(PubSubAddress.parse(d.defaultDeadLetterUri()).endpoint()).isEqualTo("127.0.0.1:1");
        }
    }

    @Test
    void unwrapHandsOutTheNativeClients() {
        try (QueueDriver d = fx.driver(TestServerFixture.uri("unwrap-topic"))) {
            assertThat(d.unwrap(Publisher.class)).get().extracting(Publisher::getTopicNameString)
                    .isEqualTo(TestServerFixture.topicName("unwrap-topic"));
            assertThat(d.unwrap(GrpcSubscriberStub.class)).isPresent();
            assertThat(d.unwrap(SubscriberStub.class)).isPresent();
            assertThat(d.unwrap(TopicAdminClient.class)).isPresent();
            assertThat(d.unwrap(SubscriptionAdminClient.class)).isPresent();
            assertThat(d.unwrap(String.class)).isEmpty();
        }
    }

    @Test
    void endpointParameterSwitchesToPlaintextWithoutTheEnvironment() throws Exception {
        String topic = TestServerFixture.name("endpoint");
        URI uri = URI.create("pubsub://projects/" + TestServerFixture.PROJECT + "/topics/" + topic + "?subscription="
                + topic + "-sub&endpoint=" + fx.server.endpoint());
        try (QueueDriver d = new PubSubDriverProvider().open(uri, new DriverContext(fx.scheduler, name -> null))) {
            assertThat(d.provision(QueueSpec.builder(uri).build(), d.defaultDeadLetterUri())).isEmpty();
            assertThat(d.send(List.of(message("e-1", null))).get(0).succeeded()).isTrue();
            assertThat(receiveSome(d, 1)).extracting(m -> new String(m.body(), StandardCharsets.UTF_8)).containsExactly("e-1");
        }
    }

    @Test
    void sendReportsEachMessageInOrderAndRefusesWhatPubSubWouldBeforeSending() throws Exception {
        URI uri = provisioned("limits", b -> { });
        Map<String, String> tooMany = new HashMap<>();
        for (int i = 0; i < 101; i++) tooMany.put("a" + i, "v");
        List<OutboundMessage> batch = List.of(
                message("ok-1", null),
                withAttributes("long-key", Map.of("k".repeat(257), "v")),
                withAttributes("long-value", Map.of("k", "v".repeat(1025))),
                withAttributes("too-many", tooMany),
                withAttributes("goog-key", Map.of("googx", "v")),
                new OutboundMessage("huge", new byte[10_000_001], Map.of(), null, null, Duration.ZERO),
                new OutboundMessage("dedup", new byte[1], Map.of(), null, "d-1", Duration.ZERO),
                new OutboundMessage("delayed", new byte[1], Map.of(), null, null, Duration.ofSeconds(1)),
                message("ok-2", "k".repeat(1025)),
                message("ok-3", "key"));
        try (QueueDriver d = fx.driver(uri)) {
            List<SendResult> results = d.send(batch);

            assertThat(results).hasSize(batch.size());
            assertThat(results.get(0).succeeded()).isTrue();
            assertThat(results.get(9).succeeded()).isTrue();
            assertThat(results.subList(1, 9)).allSatisfy(r -> assertThat(r.error().code()).isEqualTo(ErrorCode.INVALID));
            assertThat(results.get(1).error().message()).contains("long-key", "257 bytes", "256");
            assertThat(results.get(2).error().message()).contains("long-value", "1025 bytes", "1024");
            assertThat(results.get(3).error().message()).contains("too-many", "101 attributes", "100");
            assertThat(results.get(4).error().message()).contains("goog");
            assertThat(results.get(5).error().message()).contains("huge", "10000001", "10000000");
            assertThat(results.get(6).error().message()).contains("deduplicat");
            assertThat(results.get(7).error().message()).contains("delay");
            assertThat(results.get(8).error().message()).contains("ordering key", "1024");
            assertThat(receiveSome(d, 2)).extracting(InboundMessage::messageId)
                    .containsExactlyInAnyOrder(results.get(0).messageId(), results.get(9).messageId());
        }
    }

    @Test
    void publishToAMissingTopicFailsAsNotFoundAndTheOrderingKeyIsResumed() throws Exception {
        String topic = TestServerFixture.name("late");
        try (QueueDriver d = fx.driver(TestServerFixture.uri(topic))) {
            SendResult failed = d.send(List.of(message("m-1", "key-1"), message("m-2", "key-1"))).get(0);

            assertThat(failed.error().code()).isEqualTo(ErrorCode.NOT_FOUND);
            assertThat(failed.error().message()).contains(TestServerFixture.topicName(topic));

            fx.topics.createTopic(TestServerFixture.topicName(topic));
            assertThat(d.send(List.of(message("m-3", "key-1"))).get(0).succeeded())
                    .as("the key publishes again after resumePublish").isTrue();
        }
    }

    @Test
    void receiveNeedsASubscriptionAndSaysSo() {
        try (QueueDriver d = fx.driver(URI.create("pubsub://projects/" + TestServerFixture.PROJECT + "/topics/only-pub"))) {
            assertThatThrownBy(() -> d.receive(1, Duration.ZERO)).isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("names no subscription");
        }
    }

    @Test
    void receiveFromAMissingSubscriptionIsNotFound() {
        try (QueueDriver d = fx.driver(TestServerFixture.uri(TestServerFixture.name("nosub")))) {
            assertThatThrownBy(() -> d.receive(1, Duration.ZERO)).isInstanceOf(SluiceException.class)
                    .satisfies(e -> assertThat(((SluiceException) e).code()).isEqualTo(ErrorCode.NOT_FOUND));
        }
    }

    @Test
    void receivedMessagesCarryAttemptPublishTimeKeyAndTheNativeMessage() throws Exception {
        URI uri = provisioned("received", b -> b.ordering(true));
        try (QueueDriver d = fx.driver(uri)) {
            d.send(List.of(message("r-1", "k1")));
            InboundMessage m = receiveSome(d, 1).get(0);

            assertThat(m.attempt()).hasValue(1);
            assertThat(m.publishTime()).isNotNull();
            assertThat(m.orderingKey()).isEqualTo("k1");
            assertThat(m.unwrap(com.google.pubsub.v1.ReceivedMessage.class)).get()
                    .extracting(com.google.pubsub.v1.ReceivedMessage::getAckId).isEqualTo(m.ackHandle());

            d.nack(m, Duration.ZERO);
            assertThat(receiveSome(d, 1).get(0).attempt()).hasValue(2);
        }
    }

    @Test
    void withoutADeadLetterPolicyTheAttemptIsAbsentNotInvented() throws Exception {
        String topic = TestServerFixture.name("noattempt");
        fx.topics.createTopic(TestServerFixture.topicName(topic));
        fx.subscriptions.createSubscription(Subscription.newBuilder().setName(TestServerFixture.subscriptionName(topic + "-sub"))
                .setTopic(TestServerFixture.topicName(topic)).setAckDeadlineSeconds(30).build());
        try (QueueDriver d = fx.driver(TestServerFixture.uri(topic))) {
            d.send(List.of(message("n-1", null)));
            InboundMessage m = receiveSome(d, 1).get(0);
            assertThat(m.attempt()).isEmpty();
            assertThat(m.orderingKey()).isNull();
            assertThat(d.ack(List.of(m))).isEmpty();
        }
    }

    @Test
    void nackAndLeaseBeyondSixHundredSecondsAreClampedNotRefused() throws Exception {
        URI uri = provisioned("clamp", b -> { });
        try (QueueDriver d = fx.driver(uri)) {
            d.send(List.of(message("c-1", null)));
            InboundMessage m = receiveSome(d, 1).get(0);
            d.extendLease(m, Duration.ofHours(1));
            d.nack(m, Duration.ofMinutes(20));
            assertThat(d.receive(10, Duration.ofMillis(200))).isEmpty();
        }
    }

    @Test
    void interruptedReceiveStopsWaitingAndThrows() throws Exception {
        URI uri = provisioned("interrupt", b -> { });
        try (QueueDriver d = fx.driver(uri)) {
            CompletableFuture<Throwable> outcome = new CompletableFuture<>();
            Thread t = new Thread(() -> {
                try {
                    d.receive(10, Duration.ofSeconds(30));
                    outcome.complete(null);
                } catch (Throwable e) {
                    outcome.complete(e);
                }
            });
            t.start();
            Thread.sleep(300);
            t.interrupt();
            assertThat(outcome.get(10, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
        }
    }

    @Test
    void provisionCreatesTopicSubscriptionWithPoliciesAndAKeptDeadLetterQueue() {
        String topic = TestServerFixture.name("prov");
        URI uri = TestServerFixture.uri(topic);
        QueueSpec spec = QueueSpec.builder(uri).maxDeliveryAttempts(7).lease(Duration.ofSeconds(45)).ordering(true)
                .retryPolicy(RetryPolicy.fixed(Duration.ofSeconds(3))).build();
        try (QueueDriver d = fx.driver(uri)) {
            assertThat(d.provision(spec, d.defaultDeadLetterUri())).isEmpty();

            Subscription s = fx.subscriptions.getSubscription(TestServerFixture.subscriptionName(topic + "-sub"));
            assertThat(s.getTopic()).isEqualTo(TestServerFixture.topicName(topic));
            assertThat(s.getAckDeadlineSeconds()).isEqualTo(45);
            assertThat(s.getEnableMessageOrdering()).isTrue();
            assertThat(s.getDeadLetterPolicy().getMaxDeliveryAttempts()).isEqualTo(7);
            assertThat(s.getDeadLetterPolicy().getDeadLetterTopic()).isEqualTo(TestServerFixture.topicName(topic + "-dlq"));
            Subscription keeper = fx.subscriptions.getSubscription(TestServerFixture.subscriptionName(topic + "-dlq"));
            assertThat(keeper.getTopic()).isEqualTo(TestServerFixture.topicName(topic + "-dlq"));

            assertThat(d.provision(spec, d.defaultDeadLetterUri())).as("a second provision finds all as wanted").isEmpty();
        }
    }

    @Test
    void anExistingSubscriptionThatContradictsTheSpecIsReportedInSentences() {
        String topic = TestServerFixture.name("contra");
        fx.topics.createTopic(TestServerFixture.topicName(topic));
        fx.subscriptions.createSubscription(Subscription.newBuilder().setName(TestServerFixture.subscriptionName(topic + "-sub"))
                .setTopic(TestServerFixture.topicName(topic)).setAckDeadlineSeconds(30).build());
        String other = TestServerFixture.name("contra2");
        fx.topics.createTopic(TestServerFixture.topicName(other));
        fx.topics.createTopic(TestServerFixture.topicName(other + "-dlq"));
        fx.subscriptions.createSubscription(Subscription.newBuilder().setName(TestServerFixture.subscriptionName(other + "-sub"))
                .setTopic(TestServerFixture.topicName(other)).setAckDeadlineSeconds(30)
                .setDeadLetterPolicy(DeadLetterPolicy.newBuilder()
                        .setDeadLetterTopic(TestServerFixture.topicName(other + "-dlq")).setMaxDeliveryAttempts(10))
                .build());

        try (QueueDriver d = fx.driver(TestServerFixture.uri(topic)); QueueDriver o = fx.driver(TestServerFixture.uri(other))) {
            List<String> noPolicy = d.provision(QueueSpec.builder(d.uri()).ordering(true).build(), d.defaultDeadLetterUri());
            assertThat(noPolicy).anySatisfy(s -> assertThat(s).contains("no dead-letter policy", "max_delivery_attempts=5"));
            assertThat(noPolicy).anySatisfy(s -> assertThat(s).contains("message ordering off"));

            List<String> attempts = o.provision(QueueSpec.builder(o.uri()).maxDeliveryAttempts(5).build(), o.defaultDeadLetterUri());
            assertThat(attempts).singleElement().asString().contains("after 10 delivery attempts", "spec says 5");
        }
    }

    @Test
    void verifyReportsMissingResourcesAndCreatesNothing() {
        String topic = TestServerFixture.name("verify");
        try (QueueDriver d = fx.driver(TestServerFixture.uri(topic))) {
            List<String> problems = d.provision(QueueSpec.builder(d.uri()).provisioning(QueueSpec.Provisioning.VERIFY).build(),
                    d.defaultDeadLetterUri());
            assertThat(problems).anySatisfy(s -> assertThat(s).contains("topic " + TestServerFixture.topicName(topic)
                    + " does not exist"));
            assertThat(problems).anySatisfy(s -> assertThat(s).contains("subscription", "does not exist"));
            assertThat(fx.topics.listTopics("projects/" + TestServerFixture.PROJECT).iterateAll())
                    .noneSatisfy(t -> assertThat(t.getName()).contains(topic));
        }
    }

    @Test
    void attemptsOutsideFiveToAHundredAndLeasesUnderTenSecondsAreStartUpErrors() {
        try (QueueDriver d = fx.driver(TestServerFixture.uri(TestServerFixture.name("range")))) {
            assertThatThrownBy(() -> d.provision(QueueSpec.builder(d.uri()).maxDeliveryAttempts(3).build(), d.defaultDeadLetterUri()))
                    .isInstanceOf(ConfigurationException.class).hasMessageContaining("5..100");
            assertThatThrownBy(() -> d.provision(QueueSpec.builder(d.uri()).lease(Duration.ofSeconds(5)).build(), d.defaultDeadLetterUri()))
                    .isInstanceOf(ConfigurationException.class).hasMessageContaining("10..600s");
        }
    }

    // ---- helpers ----

    private URI provisioned(String base, java.util.function.Consumer<QueueSpec.Builder> settings) {
        URI uri = TestServerFixture.uri(TestServerFixture.name(base));
        QueueSpec.Builder b = QueueSpec.builder(uri);
        settings.accept(b);
        try (QueueDriver d = fx.driver(uri)) {
            assertThat(d.provision(b.build(), d.defaultDeadLetterUri())).isEmpty();
        }
        return uri;
    }

    static OutboundMessage message(String text, String key) {
        return new OutboundMessage(text, text.getBytes(StandardCharsets.UTF_8), Map.of("n", text), key, null, Duration.ZERO);
    }

    private static OutboundMessage withAttributes(String id, Map<String, String> attributes) {
        return new OutboundMessage(id, id.getBytes(StandardCharsets.UTF_8), attributes, null, null, Duration.ZERO);
    }

    static List<InboundMessage> receiveSome(QueueDriver d, int n) throws InterruptedException {
        List<InboundMessage> got = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (got.size() < n && System.nanoTime() < deadline) got.addAll(d.receive(n - got.size(), Duration.ofSeconds(1)));
        assertThat(got).as("messages received from " + d.uri()).hasSize(n);
        return got;
    }
}
