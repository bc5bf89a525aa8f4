package dev.sluice.testkit.pubsub;

import static dev.sluice.testkit.pubsub.PubSubClients.data;
import static dev.sluice.testkit.pubsub.PubSubClients.message;
import static dev.sluice.testkit.pubsub.PubSubClients.publish;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.Durations;
import com.google.pubsub.v1.ReceivedMessage;
import com.google.pubsub.v1.RetryPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Retry policy: a failed message is not redelivered before its backoff. */
class RetryPolicyTest {

    @Test
    void backoffGrowsFromMinimumToMaximum() throws Exception {
        ManualTimeSource time = new ManualTimeSource();
        try (PubSubClients clients = PubSubClients.start(time)) {
            String topic = clients.newTopic();
            String subscription = clients.newSubscription(topic, builder -> builder.setRetryPolicy(RetryPolicy.newBuilder()
                    .setMinimumBackoff(Durations.fromSeconds(10))
                    .setMaximumBackoff(Durations.fromSeconds(30))));
            publish(clients.publisher(topic), message("flaky"));

            for (int backoffSeconds : List.of(10, 20, 30, 30)) {
                List<ReceivedMessage> received = clients.pull(subscription, 10);
                assertThat(received).hasSize(1);
                clients.modifyAckDeadline(subscription, 0, received.get(0));

                time.advance(Duration.ofSeconds(backoffSeconds).minusMillis(1));
                assertThat(clients.pull(subscription, 10)).as("before a backoff of %d s", backoffSeconds).isEmpty();
                time.advance(Duration.ofMillis(1));
            }
            assertThat(data(clients.pull(subscription, 10))).containsExactly("flaky");
        }
    }

    @Test
    void anExpiredDeadlineAlsoBacksOff() throws Exception {
        ManualTimeSource time = new ManualTimeSource();
        try (PubSubClients clients = PubSubClients.start(time)) {
            String topic = clients.newTopic();
            String subscription = clients.newSubscription(topic, builder -> builder.setRetryPolicy(RetryPolicy.newBuilder()
                    .setMinimumBackoff(Durations.fromSeconds(5))));
            publish(clients.publisher(topic), message("expires"));
            clients.pull(subscription, 10);

            time.advance(Duration.ofSeconds(10));
            assertThat(clients.pull(subscription, 10)).isEmpty();
            time.advance(Duration.ofSeconds(5));
            assertThat(data(clients.pull(subscription, 10))).containsExactly("expires");
        }
    }

    @Test
    void theJavaSubscriberGetsANackedMessageNoEarlierThanTheMinimumBackoff() throws Exception {
        try (PubSubClients clients = PubSubClients.start()) {
            String topic = clients.newTopic();
            String subscription = clients.newSubscription(topic, builder -> builder.setRetryPolicy(RetryPolicy.newBuilder()
                    .setMinimumBackoff(Durations.fromSeconds(1))
                    .setMaximumBackoff(Durations.fromSeconds(1))));
            List<Long> deliveredAt = Collections.synchronizedList(new ArrayList<>());
            List<Long> nackedAt = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch thirdDelivery = new CountDownLatch(3);
            clients.subscriber(subscription, (message, consumer) -> {
                deliveredAt.add(System.nanoTime());
                thirdDelivery.countDown();
                if (deliveredAt.size() < 3) {
                    nackedAt.add(System.nanoTime());
                    consumer.nack();
                } else {
                    consumer.ack();
                }
            });

            publish(clients.publisher(topic), message("backs off"));

            assertThat(thirdDelivery.await(30, TimeUnit.SECONDS)).isTrue();
            for (int i = 0; i < 2; i++) {
                assertThat(Duration.ofNanos(deliveredAt.get(i + 1) - nackedAt.get(i)))
                        .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
            }
        }
    }
}
