package dev.sluice.testkit.pubsub;

import static dev.sluice.testkit.pubsub.PubSubClients.message;
import static dev.sluice.testkit.pubsub.PubSubClients.publish;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.api.gax.batching.FlowControlSettings;
import com.google.api.gax.rpc.InvalidArgumentException;
import com.google.api.gax.rpc.NotFoundException;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.pubsub.v1.ReceivedMessage;
import com.google.pubsub.v1.StreamingPullRequest;
import com.google.pubsub.v1.StreamingPullResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** StreamingPull: through the Java Subscriber, and by hand to pin flow control and the response fields. */
class StreamingPullTest {

    private PubSubClients clients;
    private String topic;
    private Publisher publisher;

    @BeforeEach
    void start() throws Exception {
        clients = PubSubClients.start();
        topic = clients.newTopic();
        publisher = clients.publisher(topic);
    }

    @AfterEach
    void stop() {
        clients.close();
    }

    private static StreamingPullRequest.Builder first(String subscription) {
        return StreamingPullRequest.newBuilder().setSubscription(subscription).setStreamAckDeadlineSeconds(60);
    }

    @Test
    void theJavaSubscriberReceivesEveryMessageWithinItsFlowControl() throws Exception {
        String subscription = clients.newSubscription(topic);
        List<String> received = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger inHandler = new AtomicInteger();
        AtomicInteger mostInHandler = new AtomicInteger();
        CountDownLatch all = new CountDownLatch(100);
        clients.subscriber(subscription, (message, consumer) -> {
            mostInHandler.accumulateAndGet(inHandler.incrementAndGet(), Math::max);
            received.add(message.getData().toStringUtf8());
            inHandler.decrementAndGet();
            consumer.ack();
            all.countDown();
        }, FlowControlSettings.newBuilder().setMaxOutstandingElementCount(5L).build());

        IntStream.range(0, 100).forEach(i -> publisher.publish(message("m" + i)));

        assertThat(all.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(received).containsExactlyInAnyOrderElementsOf(IntStream.range(0, 100).mapToObj(i -> "m" + i).toList());
        assertThat(mostInHandler.get()).isLessThanOrEqualTo(5);
    }

    @Test
    void theJavaSubscriberGetsANackedMessageAgain() throws Exception {
        String subscription = clients.newSubscription(topic);
        AtomicInteger deliveries = new AtomicInteger();
        CountDownLatch second = new CountDownLatch(2);
        clients.subscriber(subscription, (message, consumer) -> {
            if (deliveries.incrementAndGet() == 1) {
                consumer.nack();
            } else {
                consumer.ack();
            }
            second.countDown();
        });

        publish(publisher, message("twice"));

        assertThat(second.await(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void theServerSendsNoMoreThanMaxOutstandingMessagesUntilSomeAreAcked() throws Exception {
        String subscription = clients.newSubscription(topic);
        IntStream.range(0, 10).forEach(i -> publish(publisher, message("m" + i)));

        try (RawStreamingPull stream = new RawStreamingPull(clients, first(subscription).setMaxOutstandingMessages(3).build())) {
            List<ReceivedMessage> firstThree = stream.take(3);
            assertThat(stream.staysQuiet()).isTrue();

            stream.send(StreamingPullRequest.newBuilder().addAckIds(firstThree.get(0).getAckId()).build());
            stream.take(1);
            assertThat(stream.staysQuiet()).isTrue();

            stream.send(StreamingPullRequest.newBuilder()
                    .addModifyDeadlineAckIds(firstThree.get(1).getAckId()).addModifyDeadlineSeconds(0).build());
            assertThat(stream.take(1).get(0).getMessage().getData().toStringUtf8())
                    .as("a nacked message comes back first").isEqualTo("m1");
            assertThat(stream.staysQuiet()).isTrue();
        }
    }

    @Test
    void theServerHonoursMaxOutstandingBytes() throws Exception {
        String subscription = clients.newSubscription(topic);
        IntStream.range(0, 5).forEach(i -> publish(publisher, message("x".repeat(1000))));

        try (RawStreamingPull stream = new RawStreamingPull(clients, first(subscription).setMaxOutstandingBytes(2500).build())) {
            // The service stops once 2,500 bytes or more are outstanding: the third message crosses the line.
            List<ReceivedMessage> delivered = stream.take(3);
            assertThat(stream.staysQuiet()).isTrue();

            stream.send(StreamingPullRequest.newBuilder().addAckIds(delivered.get(0).getAckId()).build());
            stream.take(1);
            assertThat(stream.staysQuiet()).isTrue();
        }
    }

    @Test
    void responsesSayWhetherTheSubscriptionOrdersMessages() throws Exception {
        String ordered = clients.newSubscription(topic, builder -> builder.setEnableMessageOrdering(true));
        String unordered = clients.newSubscription(topic);
        publish(publisher, message("k1", "key"));

        try (RawStreamingPull orderedStream = new RawStreamingPull(clients, first(ordered).build());
                RawStreamingPull unorderedStream = new RawStreamingPull(clients, first(unordered).build())) {
            orderedStream.take(1);
            unorderedStream.take(1);

            assertThat(orderedStream.responses()).allSatisfy(response ->
                    assertThat(response.getSubscriptionProperties().getMessageOrderingEnabled()).isTrue());
            assertThat(unorderedStream.responses()).extracting(StreamingPullResponse::getSubscriptionProperties)
                    .allSatisfy(properties -> assertThat(properties.getMessageOrderingEnabled()).isFalse());
        }
    }

    @Test
    void aStreamOnAMissingSubscriptionEndsWithNotFound() throws Exception {
        try (RawStreamingPull stream = new RawStreamingPull(clients,
                first(PubSubClients.subscriptionName("missing")).build())) {
            assertThatThrownBy(() -> stream.ended.get(10, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(NotFoundException.class);
        }
    }

    @Test
    void aStreamWithoutAnAckDeadlineEndsWithInvalidArgument() throws Exception {
        String subscription = clients.newSubscription(topic);
        try (RawStreamingPull stream = new RawStreamingPull(clients,
                StreamingPullRequest.newBuilder().setSubscription(subscription).build())) {
            assertThatThrownBy(() -> stream.ended.get(10, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(InvalidArgumentException.class);
        }
    }

    @Test
    void deletingTheSubscriptionEndsItsStreamsWithNotFound() throws Exception {
        String subscription = clients.newSubscription(topic);
        try (RawStreamingPull stream = new RawStreamingPull(clients, first(subscription).build())) {
            publish(publisher, message("attach"));
            stream.take(1);

            clients.subscriptions.deleteSubscription(subscription);

            assertThatThrownBy(() -> stream.ended.get(10, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(NotFoundException.class);
        }
    }
}
