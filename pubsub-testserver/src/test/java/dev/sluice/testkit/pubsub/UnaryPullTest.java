package dev.sluice.testkit.pubsub;

import static dev.sluice.testkit.pubsub.PubSubClients.data;
import static dev.sluice.testkit.pubsub.PubSubClients.message;
import static dev.sluice.testkit.pubsub.PubSubClients.publish;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.api.gax.rpc.InvalidArgumentException;
import com.google.api.gax.rpc.NotFoundException;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.protobuf.util.Timestamps;
import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.ReceivedMessage;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Publish, unary Pull, Acknowledge and ModifyAckDeadline, on a manual clock. */
class UnaryPullTest {

    private final ManualTimeSource time = new ManualTimeSource();
    private PubSubClients clients;
    private String topic;
    private String subscription;
    private Publisher publisher;

    @BeforeEach
    void start() throws Exception {
        clients = PubSubClients.start(time);
        topic = clients.newTopic();
        subscription = clients.newSubscription(topic);
        publisher = clients.publisher(topic);
    }

    @AfterEach
    void stop() {
        clients.close();
    }

    @Test
    void publishAndPullRoundTripKeepsDataAttributesAndOrderingKey() {
        PubsubMessage sent = message("hello").toBuilder()
                .putAttributes("ce-type", "order.created")
                .putAttributes("content-type", "text/plain")
                .setOrderingKey("customer-7")
                .build();

        String id = publish(publisher, sent);
        List<ReceivedMessage> received = clients.pull(subscription, 10);

        assertThat(received).hasSize(1);
        PubsubMessage got = received.get(0).getMessage();
        assertThat(got.getMessageId()).isEqualTo(id).isNotEmpty();
        assertThat(got.getData().toStringUtf8()).isEqualTo("hello");
        assertThat(got.getAttributesMap()).isEqualTo(sent.getAttributesMap());
        assertThat(got.getOrderingKey()).isEqualTo("customer-7");
        assertThat(Timestamps.toMillis(got.getPublishTime())).isEqualTo(time.now().toEpochMilli());
        assertThat(received.get(0).getAckId()).isNotEmpty();
        assertThat(received.get(0).getDeliveryAttempt()).as("no dead-letter policy, no attempt count").isZero();
    }

    @Test
    void messageIdsAreDistinctAndPullHonoursMaxMessages() {
        String first = publish(publisher, message("a"));
        String second = publish(publisher, message("b"));
        publish(publisher, message("c"));

        assertThat(first).isNotEqualTo(second);
        assertThat(data(clients.pull(subscription, 2))).containsExactly("a", "b");
        assertThat(data(clients.pull(subscription, 2))).containsExactly("c");
    }

    @Test
    void aMessagePublishedBeforeTheSubscriptionExistedIsNotDelivered() {
        publish(publisher, message("before"));
        String late = clients.newSubscription(topic);
        publish(publisher, message("after"));

        assertThat(data(clients.pull(late, 10))).containsExactly("after");
    }

    @Test
    void ackRemovesTheMessageForGood() {
        publish(publisher, message("once"));
        ReceivedMessage received = clients.pull(subscription, 10).get(0);

        clients.ack(subscription, received);
        time.advance(Duration.ofMinutes(10));

        assertThat(clients.pull(subscription, 10)).isEmpty();
    }

    @Test
    void nackRedeliversAtOnce() {
        publish(publisher, message("again"));
        ReceivedMessage first = clients.pull(subscription, 10).get(0);

        clients.modifyAckDeadline(subscription, 0, first);
        List<ReceivedMessage> redelivered = clients.pull(subscription, 10);

        assertThat(data(redelivered)).containsExactly("again");
        assertThat(redelivered.get(0).getAckId()).isNotEqualTo(first.getAckId());
        assertThat(redelivered.get(0).getMessage().getMessageId()).isEqualTo(first.getMessage().getMessageId());
    }

    @Test
    void anExpiredAckDeadlineRedelivers() {
        publish(publisher, message("slow"));
        clients.pull(subscription, 10);

        time.advance(Duration.ofSeconds(9));
        assertThat(clients.pull(subscription, 10)).as("within the 10 s deadline").isEmpty();

        time.advance(Duration.ofSeconds(1));
        assertThat(data(clients.pull(subscription, 10))).containsExactly("slow");
    }

    @Test
    void modifyAckDeadlineExtendsTheLease() {
        publish(publisher, message("long job"));
        ReceivedMessage received = clients.pull(subscription, 10).get(0);

        clients.modifyAckDeadline(subscription, 60, received);
        time.advance(Duration.ofSeconds(59));
        assertThat(clients.pull(subscription, 10)).isEmpty();

        time.advance(Duration.ofSeconds(1));
        assertThat(data(clients.pull(subscription, 10))).containsExactly("long job");
    }

    @Test
    void anAckAfterTheDeadlineHasPassedIsIgnored() {
        publish(publisher, message("late ack"));
        ReceivedMessage stale = clients.pull(subscription, 10).get(0);
        time.advance(Duration.ofSeconds(10));

        clients.ack(subscription, stale);

        assertThat(data(clients.pull(subscription, 10))).containsExactly("late ack");
    }

    @Test
    void badPullAndAckRequestsAreRejected() {
        assertThatThrownBy(() -> clients.pull(subscription, 0)).isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> clients.pull(PubSubClients.subscriptionName("missing"), 1))
                .isInstanceOf(NotFoundException.class);
        publish(publisher, message("x"));
        ReceivedMessage received = clients.pull(subscription, 1).get(0);
        assertThatThrownBy(() -> clients.modifyAckDeadline(subscription, 601, received))
                .isInstanceOf(InvalidArgumentException.class);
    }

    @Test
    void publishLimitsAreInvalidArgument() {
        PubsubMessage.Builder tooManyAttributes = message("x").toBuilder();
        for (int i = 0; i <= 100; i++) {
            tooManyAttributes.putAttributes("k" + i, "v");
        }
        PubsubMessage longValue = message("x").toBuilder().putAttributes("k", "v".repeat(1025)).build();
        PubsubMessage empty = PubsubMessage.getDefaultInstance();

        for (PubsubMessage bad : List.of(tooManyAttributes.build(), longValue, empty)) {
            assertThatThrownBy(() -> publisher.publish(bad).get())
                    .hasCauseInstanceOf(InvalidArgumentException.class);
        }
    }

    @Test
    void aPullWithNothingAvailableWaitsForTheNextMessage() throws Exception {
        java.util.concurrent.CompletableFuture<List<ReceivedMessage>> waiting = java.util.concurrent.CompletableFuture
                .supplyAsync(() -> clients.pullWaiting(subscription, 10, java.time.Duration.ofSeconds(20)));
        Thread.sleep(300);
        assertThat(waiting).as("still waiting: nothing was published").isNotDone();

        publish(publisher, message("late"));

        assertThat(data(waiting.get(20, java.util.concurrent.TimeUnit.SECONDS))).containsExactly("late");
    }

    @Test
    void aWaitingPullWithNothingToDeliverEndsAtTheClientsDeadline() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> clients.pullWaiting(subscription, 10, java.time.Duration.ofMillis(300)))
                .isInstanceOf(com.google.api.gax.rpc.DeadlineExceededException.class);
    }
}
