package dev.sluice.testkit.pubsub;

import com.google.pubsub.v1.Subscription;
import java.util.Optional;

/** Where a subscription forwards a message that has failed {@code maxDeliveryAttempts} times. */
record DeadLetterTarget(String topic, int maxDeliveryAttempts) {

    static Optional<DeadLetterTarget> of(Subscription subscription) {
        if (!subscription.hasDeadLetterPolicy()) {
            return Optional.empty();
        }
        return Optional.of(new DeadLetterTarget(
                subscription.getDeadLetterPolicy().getDeadLetterTopic(),
                subscription.getDeadLetterPolicy().getMaxDeliveryAttempts()));
    }
}
