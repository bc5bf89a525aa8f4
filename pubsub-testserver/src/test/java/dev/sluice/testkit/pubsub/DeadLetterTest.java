package dev.sluice.testkit.pubsub;

import static dev.sluice.testkit.pubsub.PubSubClients.message;
import static dev.sluice.testkit.pubsub.PubSubClients.publish;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.pubsub.v1.Publisher;
import com.google.cloud.pubsub.v1.Subscriber;
import com.google.pubsub.v1.DeadLetterPolicy;
import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.ReceivedMessage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Dead-letter policy: delivery_attempt counting and forwarding after the last attempt. */
class DeadLetterTest {

    @Test
    void afterMaxDeliveryAttemptsTheMessageMovesToTheDeadLetterTopic() throws Exception {
        try (PubSubClients clients = PubSubClients.start(new ManualTimeSource())) {
            String topic = clients.newTopic();
            String deadLetterTopic = clients.newTopic();
            String deadLetters = clients.newSubscription(deadLetterTopic);
            String subscription = clients.newSubscription(topic, builder -> builder.setDeadLetterPolicy(
                    DeadLetterPolicy.newBuilder().setDeadLetterTopic(deadLetterTopic).setMaxDeliveryAttempts(5)));
            Publisher publisher = clients.publisher(topic);
            PubsubMessage sent = message("poison").toBuilder().putAttributes("ce-id", "42").build();
            String id = publish(publisher, sent);

            List<Integer> attempts = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                ReceivedMessage received = clients.pull(subscription, 10).get(0);
                attempts.add(received.getDeliveryAttempt());
                clients.modifyAckDeadline(subscription, 0, received);
            }

            assertThat(attempts).containsExactly(1, 2, 3, 4, 5);
            assertThat(clients.pull(subscription, 10)).as("removed from the subscription").isEmpty();
            List<ReceivedMessage> forwarded = clients.pull(deadLetters, 10);
            assertThat(forwarded).hasSize(1);
            PubsubMessage dead = forwarded.get(0).getMessage();
            assertThat(dead.getData().toStringUtf8()).isEqualTo("poison");
            assertThat(dead.getMessageId()).isNotEqualTo(id);
            assertThat(dead.getAttributesMap())
                    .containsEntry("ce-id", "42")
                    .containsEntry("CloudPubSubDeadLetterSourceDeliveryCount", "5")
                    .containsEntry("CloudPubSubDeadLetterSourceSubscription", subscription.substring(subscription.lastIndexOf('/') + 1))
                    .containsEntry("CloudPubSubDeadLetterSourceSubscriptionProject", "sluice-test")
                    .containsKey("CloudPubSubDeadLetterSourceTopicPublishTime");
        }
    }

    @Test
    void theJavaSubscriberSeesDeliveryAttemptsOneToMaxThenTheDeadLetterTopicGetsIt() throws Exception {
        try (PubSubClients clients = PubSubClients.start()) {
            String topic = clients.newTopic();
            String deadLetterTopic = clients.newTopic();
            String deadLetters = clients.newSubscription(deadLetterTopic);
            String subscription = clients.newSubscription(topic, builder -> builder.setDeadLetterPolicy(
                    DeadLetterPolicy.newBuilder().setDeadLetterTopic(deadLetterTopic).setMaxDeliveryAttempts(5)));
            List<Integer> attempts = Collections.synchronizedList(new ArrayList<>());
            BlockingQueue<PubsubMessage> deadLettered = new LinkedBlockingQueue<>();
            clients.subscriber(subscription, (message, consumer) -> {
                attempts.add(Subscriber.getDeliveryAttempt(message));
                consumer.nack();
            });
            clients.subscriber(deadLetters, (message, consumer) -> {
                deadLettered.add(message);
                consumer.ack();
            });

            publish(clients.publisher(topic), message("always fails"));

            PubsubMessage dead = deadLettered.poll(30, TimeUnit.SECONDS);
            assertThat(dead).isNotNull();
            assertThat(dead.getData().toStringUtf8()).isEqualTo("always fails");
            assertThat(attempts).containsExactly(1, 2, 3, 4, 5);
        }
    }
}
