package dev.sluice.testkit.pubsub;

import com.google.protobuf.FieldMask;
import com.google.protobuf.util.Timestamps;
import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.Subscription;
import com.google.pubsub.v1.Topic;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The topics and subscriptions of the server, and the fan-out of a published message to every
 * subscription of its topic. Creation and deletion are atomic; lookups are lock-free.
 */
final class Registry {

    private final TimeSource time;
    private final AtomicLong messageIds = new AtomicLong(1);
    private final Map<String, Topic> topics = new ConcurrentHashMap<>();
    private final Map<String, SubscriptionState> subscriptions = new ConcurrentHashMap<>();

    Registry(TimeSource time) {
        this.time = time;
    }

    synchronized Topic createTopic(Topic topic) {
        ResourceNames.topic(topic.getName());
        if (topics.containsKey(topic.getName())) {
            throw Errors.alreadyExists("topic", topic.getName());
        }
        topics.put(topic.getName(), topic);
        return topic;
    }

    Topic topic(String name) {
        Topic topic = topics.get(ResourceNames.topic(name));
        if (topic == null) {
            throw Errors.notFound("topic", name);
        }
        return topic;
    }

    /** Deletes a topic; its subscriptions stay, reporting {@value SubscriptionState#DELETED_TOPIC} as topic. */
    synchronized void deleteTopic(String name) {
        if (topics.remove(ResourceNames.topic(name)) == null) {
            throw Errors.notFound("topic", name);
        }
        subscriptionsOf(name).forEach(SubscriptionState::topicDeleted);
    }

    /** The topics of {@code project}, sorted by name. */
    List<Topic> topics(String project) {
        String prefix = ResourceNames.project(project) + "/topics/";
        return topics.values().stream()
                .filter(topic -> topic.getName().startsWith(prefix))
                .sorted(Comparator.comparing(Topic::getName))
                .toList();
    }

    synchronized Subscription createSubscription(Subscription requested) {
        Subscription subscription = SubscriptionRules.forCreate(requested, topics::containsKey);
        if (subscriptions.containsKey(subscription.getName())) {
            throw Errors.alreadyExists("subscription", subscription.getName());
        }
        subscriptions.put(subscription.getName(), new SubscriptionState(subscription, time, this::publishDeadLetter));
        return subscription;
    }

    /** Applies the fields named in {@code mask} from {@code patch} to the subscription {@code patch} names. */
    Subscription updateSubscription(Subscription patch, FieldMask mask) {
        SubscriptionState state = subscription(patch.getName());
        synchronized (state) {
            Subscription updated = SubscriptionRules.forUpdate(state.config(), patch, mask, topics::containsKey);
            state.updateConfig(updated);
            return updated;
        }
    }

    SubscriptionState subscription(String name) {
        SubscriptionState state = subscriptions.get(ResourceNames.subscription(name));
        if (state == null) {
            throw Errors.notFound("subscription", name);
        }
        return state;
    }

    synchronized void deleteSubscription(String name) {
        SubscriptionState removed = subscriptions.remove(ResourceNames.subscription(name));
        if (removed == null) {
            throw Errors.notFound("subscription", name);
        }
        removed.delete(Errors.notFound("subscription", name));
    }

    /** The subscriptions of {@code project}, sorted by name. */
    List<Subscription> subscriptions(String project) {
        String prefix = ResourceNames.project(project) + "/subscriptions/";
        return subscriptions.values().stream()
                .map(SubscriptionState::config)
                .filter(subscription -> subscription.getName().startsWith(prefix))
                .sorted(Comparator.comparing(Subscription::getName))
                .toList();
    }

    /** The names of the subscriptions attached to {@code topic}, sorted. */
    List<String> subscriptionNamesOf(String topic) {
        topic(topic);
        List<String> names = new ArrayList<>();
        subscriptionsOf(topic).forEach(state -> names.add(state.config().getName()));
        names.sort(Comparator.naturalOrder());
        return names;
    }

    /** Assigns ids and the publish time, and hands each message to every subscription of the topic. */
    List<String> publish(String topicName, List<PubsubMessage> messages) {
        topic(topicName);
        List<SubscriptionState> targets = subscriptionsOf(topicName);
        List<String> ids = new ArrayList<>(messages.size());
        for (PubsubMessage message : messages) {
            String id = Long.toString(messageIds.getAndIncrement());
            PubsubMessage stamped = message.toBuilder()
                    .setMessageId(id)
                    .setPublishTime(Timestamps.fromMillis(time.now().toEpochMilli()))
                    .build();
            targets.forEach(subscription -> subscription.enqueue(stamped));
            ids.add(id);
        }
        return ids;
    }

    /** A dead letter to a topic that no longer exists is dropped, as the service cannot deliver it either. */
    private void publishDeadLetter(String topicName, PubsubMessage message) {
        if (topics.containsKey(topicName)) {
            publish(topicName, List.of(message));
        }
    }

    private List<SubscriptionState> subscriptionsOf(String topic) {
        return subscriptions.values().stream()
                .filter(subscription -> subscription.topic().equals(topic))
                .toList();
    }
}
