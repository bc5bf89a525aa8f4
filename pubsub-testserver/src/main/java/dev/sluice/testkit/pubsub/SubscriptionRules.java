package dev.sluice.testkit.pubsub;

import com.google.protobuf.FieldMask;
import com.google.protobuf.util.Durations;
import com.google.pubsub.v1.DeadLetterPolicy;
import com.google.pubsub.v1.RetryPolicy;
import com.google.pubsub.v1.Subscription;
import java.util.function.Predicate;

/**
 * Validates a subscription as CreateSubscription and UpdateSubscription do, and fills in the
 * service's defaults: ack deadline 10 s, 5 delivery attempts, backoff 10 s to 600 s.
 */
final class SubscriptionRules {

    private static final com.google.protobuf.Duration DEFAULT_MIN_BACKOFF = Durations.fromSeconds(10);
    private static final com.google.protobuf.Duration DEFAULT_MAX_BACKOFF = Durations.fromSeconds(600);

    private SubscriptionRules() {}

    /**
     * The subscription to store for a CreateSubscription request. {@code topicExists} answers for the
     * subscription's topic and the dead-letter topic.
     */
    static Subscription forCreate(Subscription requested, Predicate<String> topicExists) {
        ResourceNames.subscription(requested.getName());
        ResourceNames.topic(requested.getTopic());
        rejectUnsupported(requested);
        if (!topicExists.test(requested.getTopic())) {
            throw Errors.notFound("topic", requested.getTopic());
        }
        return normalize(requested, topicExists);
    }

    /** {@code current} with the fields named in {@code mask} taken from {@code patch}. */
    static Subscription forUpdate(Subscription current, Subscription patch, FieldMask mask,
            Predicate<String> topicExists) {
        if (mask.getPathsCount() == 0) {
            throw Errors.invalid("The update_mask in the UpdateSubscriptionRequest must be set, and must be non-empty.");
        }
        Subscription.Builder updated = current.toBuilder();
        for (String path : mask.getPathsList()) {
            switch (path) {
                case "ack_deadline_seconds" -> updated.setAckDeadlineSeconds(patch.getAckDeadlineSeconds());
                case "dead_letter_policy" -> {
                    updated.clearDeadLetterPolicy();
                    if (patch.hasDeadLetterPolicy()) {
                        updated.setDeadLetterPolicy(patch.getDeadLetterPolicy());
                    }
                }
                case "retry_policy" -> {
                    updated.clearRetryPolicy();
                    if (patch.hasRetryPolicy()) {
                        updated.setRetryPolicy(patch.getRetryPolicy());
                    }
                }
                case "labels" -> updated.clearLabels().putAllLabels(patch.getLabelsMap());
                case "enable_message_ordering" -> throw Errors.invalid(
                        "Invalid update_mask provided in the UpdateSubscriptionRequest: the 'enable_message_ordering' "
                                + "field is immutable.");
                default -> throw Errors.invalid("Invalid update_mask provided in the UpdateSubscriptionRequest: the '"
                        + path + "' field cannot be updated on the Sluice Pub/Sub test server.");
            }
        }
        return normalize(updated.build(), topicExists);
    }

    private static Subscription normalize(Subscription subscription, Predicate<String> topicExists) {
        Subscription.Builder result = subscription.toBuilder();
        int ackDeadline = subscription.getAckDeadlineSeconds();
        if (ackDeadline == 0) {
            result.setAckDeadlineSeconds(10);
        } else if (ackDeadline < 10 || ackDeadline > 600) {
            throw Errors.invalid("Invalid ack deadline given: " + ackDeadline
                    + ". The ack deadline must be between 10 and 600 seconds.");
        }
        if (subscription.hasDeadLetterPolicy()) {
            result.setDeadLetterPolicy(deadLetterPolicy(subscription.getDeadLetterPolicy(), topicExists));
        }
        if (subscription.hasRetryPolicy()) {
            result.setRetryPolicy(retryPolicy(subscription.getRetryPolicy()));
        }
        return result.build();
    }

    private static DeadLetterPolicy deadLetterPolicy(DeadLetterPolicy policy, Predicate<String> topicExists) {
        ResourceNames.topic(policy.getDeadLetterTopic());
        if (!topicExists.test(policy.getDeadLetterTopic())) {
            throw Errors.notFound("topic", policy.getDeadLetterTopic());
        }
        int attempts = policy.getMaxDeliveryAttempts();
        if (attempts == 0) {
            return policy.toBuilder().setMaxDeliveryAttempts(5).build();
        }
        if (attempts < 5 || attempts > 100) {
            throw Errors.invalid("Invalid max_delivery_attempts: " + attempts
                    + ". The value must be between 5 and 100.");
        }
        return policy;
    }

    private static RetryPolicy retryPolicy(RetryPolicy policy) {
        RetryPolicy.Builder result = policy.toBuilder();
        if (!policy.hasMinimumBackoff()) {
            result.setMinimumBackoff(DEFAULT_MIN_BACKOFF);
        }
        if (!policy.hasMaximumBackoff()) {
            result.setMaximumBackoff(DEFAULT_MAX_BACKOFF);
        }
        long min = Durations.toMillis(result.getMinimumBackoff());
        long max = Durations.toMillis(result.getMaximumBackoff());
        if (min < 0 || min > 600_000 || max < 0 || max > 600_000) {
            throw Errors.invalid("Invalid retry policy: minimum_backoff and maximum_backoff must be between 0 and 600 seconds.");
        }
        if (min > max) {
            throw Errors.invalid("Invalid retry policy: minimum_backoff must not exceed maximum_backoff.");
        }
        return result.build();
    }

    private static void rejectUnsupported(Subscription subscription) {
        if (subscription.hasBigqueryConfig() || subscription.hasCloudStorageConfig()) {
            throw Errors.unimplemented("Export subscriptions (BigQuery, Cloud Storage)");
        }
        if (!subscription.getFilter().isEmpty()) {
            throw Errors.unimplemented("Subscription filters");
        }
        if (subscription.getEnableExactlyOnceDelivery()) {
            throw Errors.unimplemented("Exactly-once delivery");
        }
    }
}
