package dev.sluice.testkit.pubsub;

import static dev.sluice.testkit.pubsub.PubSubClients.message;
import static dev.sluice.testkit.pubsub.PubSubClients.subscriptionName;
import static dev.sluice.testkit.pubsub.PubSubClients.topicName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.api.gax.rpc.AlreadyExistsException;
import com.google.api.gax.rpc.InvalidArgumentException;
import com.google.api.gax.rpc.NotFoundException;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.protobuf.FieldMask;
import com.google.protobuf.util.Durations;
import com.google.pubsub.v1.DeadLetterPolicy;
import com.google.pubsub.v1.RetryPolicy;
import com.google.pubsub.v1.Subscription;
import com.google.pubsub.v1.Topic;
import com.google.pubsub.v1.UpdateSubscriptionRequest;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Topics and subscriptions through TopicAdminClient and SubscriptionAdminClient. */
class AdminTest {

    private static PubSubClients clients;

    @BeforeAll
    static void start() throws Exception {
        clients = PubSubClients.start();
    }

    @AfterAll
    static void stop() {
        clients.close();
    }

    @Test
    void topicLifecycleAnswersAlreadyExistsAndNotFound() {
        String topic = clients.newTopic();

        assertThat(clients.topics.getTopic(topic).getName()).isEqualTo(topic);
        assertThatThrownBy(() -> clients.topics.createTopic(topic)).isInstanceOf(AlreadyExistsException.class);

        clients.topics.deleteTopic(topic);
        assertThatThrownBy(() -> clients.topics.getTopic(topic)).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> clients.topics.deleteTopic(topic)).isInstanceOf(NotFoundException.class);
    }

    @Test
    void invalidNamesAreInvalidArgument() {
        assertThatThrownBy(() -> clients.topics.createTopic(topicName("9starts-with-a-digit")))
                .isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> clients.topics.createTopic(topicName("goog-reserved")))
                .isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> clients.topics.createTopic(topicName("ab")))
                .isInstanceOf(InvalidArgumentException.class);
    }

    @Test
    void listTopicsPagesThroughTheProject() {
        String other = "projects/other-project/topics/elsewhere";
        clients.topics.createTopic(other);
        String a = clients.newTopic();
        String b = clients.newTopic();

        var request = com.google.pubsub.v1.ListTopicsRequest.newBuilder()
                .setProject(PubSubClients.PROJECT).setPageSize(1).build();
        var names = StreamSupport.stream(clients.topics.listTopics(request).iterateAll().spliterator(), false)
                .map(Topic::getName)
                .toList();

        assertThat(names).contains(a, b).doesNotContain(other);
    }

    @Test
    void subscriptionLifecycleAnswersAlreadyExistsAndNotFound() {
        String topic = clients.newTopic();
        String subscription = clients.newSubscription(topic);
        Subscription same = Subscription.newBuilder().setName(subscription).setTopic(topic).build();

        assertThatThrownBy(() -> clients.subscriptions.createSubscription(same))
                .isInstanceOf(AlreadyExistsException.class);
        assertThatThrownBy(() -> clients.subscriptions.createSubscription(Subscription.newBuilder()
                .setName(subscriptionName("on-missing-topic")).setTopic(topicName("missing")).build()))
                .isInstanceOf(NotFoundException.class);

        clients.subscriptions.deleteSubscription(subscription);
        assertThatThrownBy(() -> clients.subscriptions.getSubscription(subscription))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> clients.subscriptions.deleteSubscription(subscription))
                .isInstanceOf(NotFoundException.class);
    }

    @Test
    void createSubscriptionFillsInTheServiceDefaults() {
        String topic = clients.newTopic();
        String deadLetters = clients.newTopic();
        String subscription = clients.newSubscription(topic, builder -> builder
                .setDeadLetterPolicy(DeadLetterPolicy.newBuilder().setDeadLetterTopic(deadLetters))
                .setRetryPolicy(RetryPolicy.getDefaultInstance()));

        Subscription stored = clients.subscriptions.getSubscription(subscription);

        assertThat(stored.getAckDeadlineSeconds()).isEqualTo(10);
        assertThat(stored.getDeadLetterPolicy().getMaxDeliveryAttempts()).isEqualTo(5);
        assertThat(stored.getRetryPolicy().getMinimumBackoff()).isEqualTo(Durations.fromSeconds(10));
        assertThat(stored.getRetryPolicy().getMaximumBackoff()).isEqualTo(Durations.fromSeconds(600));
    }

    @Test
    void subscriptionSettingsOutOfRangeAreInvalidArgument() {
        String topic = clients.newTopic();
        String deadLetters = clients.newTopic();

        assertThatThrownBy(() -> clients.newSubscription(topic, builder -> builder.setAckDeadlineSeconds(601)))
                .isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> clients.newSubscription(topic, builder -> builder.setDeadLetterPolicy(
                DeadLetterPolicy.newBuilder().setDeadLetterTopic(deadLetters).setMaxDeliveryAttempts(4))))
                .isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> clients.newSubscription(topic, builder -> builder.setRetryPolicy(RetryPolicy.newBuilder()
                .setMinimumBackoff(Durations.fromSeconds(20)).setMaximumBackoff(Durations.fromSeconds(10)))))
                .isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> clients.newSubscription(topic, builder -> builder.setDeadLetterPolicy(
                DeadLetterPolicy.newBuilder().setDeadLetterTopic(topicName("no-such-dead-letter-topic")))))
                .isInstanceOf(NotFoundException.class);
    }

    @Test
    void updateSubscriptionChangesPoliciesAndAckDeadline() {
        String topic = clients.newTopic();
        String deadLetters = clients.newTopic();
        String subscription = clients.newSubscription(topic);

        Subscription updated = clients.subscriptions.updateSubscription(UpdateSubscriptionRequest.newBuilder()
                .setSubscription(Subscription.newBuilder()
                        .setName(subscription)
                        .setAckDeadlineSeconds(42)
                        .setDeadLetterPolicy(DeadLetterPolicy.newBuilder()
                                .setDeadLetterTopic(deadLetters).setMaxDeliveryAttempts(7))
                        .setRetryPolicy(RetryPolicy.newBuilder().setMinimumBackoff(Durations.fromSeconds(1))))
                .setUpdateMask(FieldMask.newBuilder()
                        .addPaths("ack_deadline_seconds").addPaths("dead_letter_policy").addPaths("retry_policy"))
                .build());

        assertThat(clients.subscriptions.getSubscription(subscription)).isEqualTo(updated);
        assertThat(updated.getAckDeadlineSeconds()).isEqualTo(42);
        assertThat(updated.getDeadLetterPolicy().getMaxDeliveryAttempts()).isEqualTo(7);
        assertThat(updated.getRetryPolicy().getMinimumBackoff()).isEqualTo(Durations.fromSeconds(1));
        assertThat(updated.getRetryPolicy().getMaximumBackoff()).isEqualTo(Durations.fromSeconds(600));

        Subscription cleared = clients.subscriptions.updateSubscription(UpdateSubscriptionRequest.newBuilder()
                .setSubscription(Subscription.newBuilder().setName(subscription))
                .setUpdateMask(FieldMask.newBuilder().addPaths("dead_letter_policy"))
                .build());
        assertThat(cleared.hasDeadLetterPolicy()).isFalse();
    }

    @Test
    void updateSubscriptionRejectsAnEmptyMaskAndImmutableFields() {
        String subscription = clients.newSubscription(clients.newTopic());

        assertThatThrownBy(() -> clients.subscriptions.updateSubscription(UpdateSubscriptionRequest.newBuilder()
                .setSubscription(Subscription.newBuilder().setName(subscription).setAckDeadlineSeconds(30))
                .build()))
                .isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> clients.subscriptions.updateSubscription(UpdateSubscriptionRequest.newBuilder()
                .setSubscription(Subscription.newBuilder().setName(subscription).setEnableMessageOrdering(true))
                .setUpdateMask(FieldMask.newBuilder().addPaths("enable_message_ordering"))
                .build()))
                .isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> clients.subscriptions.updateSubscription(UpdateSubscriptionRequest.newBuilder()
                .setSubscription(Subscription.newBuilder().setName(subscriptionName("missing")).setAckDeadlineSeconds(30))
                .setUpdateMask(FieldMask.newBuilder().addPaths("ack_deadline_seconds"))
                .build()))
                .isInstanceOf(NotFoundException.class);
    }

    @Test
    void deletingATopicKeepsItsSubscriptionsUnderTheDeletedTopicName() {
        String topic = clients.newTopic();
        String subscription = clients.newSubscription(topic);

        clients.topics.deleteTopic(topic);

        assertThat(clients.subscriptions.getSubscription(subscription).getTopic()).isEqualTo("_deleted-topic_");
    }

    @Test
    void publishToAMissingTopicIsNotFound() throws Exception {
        Publisher publisher = clients.publisher(topicName("never-created"));

        assertThatThrownBy(() -> publisher.publish(message("lost")).get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(NotFoundException.class);
    }
}
