package dev.sluice.testkit.pubsub;

import com.google.protobuf.util.Durations;
import com.google.pubsub.v1.Subscription;
import java.time.Duration;

/**
 * A subscription's retry policy as numbers: after the n-th failed delivery (nack or expired deadline)
 * a message waits {@code min(maximum, minimum * 2^(n-1))} before it is delivered again.
 */
record RetryBackoff(Duration minimum, Duration maximum) {

    /** No retry policy: a failed message is available again at once. */
    static final RetryBackoff NONE = new RetryBackoff(Duration.ZERO, Duration.ZERO);

    static RetryBackoff of(Subscription subscription) {
        if (!subscription.hasRetryPolicy()) {
            return NONE;
        }
        return new RetryBackoff(
                toDuration(subscription.getRetryPolicy().getMinimumBackoff()),
                toDuration(subscription.getRetryPolicy().getMaximumBackoff()));
    }

    /** The wait before the next delivery of a message that has failed {@code failures} times (1 or more). */
    Duration delayAfter(int failures) {
        Duration delay = minimum;
        for (int i = 1; i < failures && delay.compareTo(maximum) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(maximum) > 0 ? maximum : delay;
    }

    private static Duration toDuration(com.google.protobuf.Duration duration) {
        return Duration.ofNanos(Durations.toNanos(duration));
    }
}
