package dev.sluice;

import java.time.Duration;
import java.util.Objects;
import java.util.function.DoubleSupplier;

/**
 * How long to wait before the next attempt after a failed one. A policy only answers "how long"; whether
 * there is a next attempt is the queue's {@link QueueSpec#maxDeliveryAttempts()}, and acting on the answer
 * is the engine's job.
 *
 * <pre>{@code
 * RetryPolicy.exponential(Duration.ofSeconds(1)).multiplier(2).maxDelay(Duration.ofMinutes(5)).jitter(0.2).build()
 * RetryPolicy.fixed(Duration.ofSeconds(10))
 * RetryPolicy.immediate()
 * }</pre>
 *
 * @param initialDelay delay after the first failed attempt
 * @param multiplier   factor applied per further attempt (1 for a fixed delay)
 * @param maxDelay     cap on any delay, applied after jitter
 * @param jitter       fraction (0..1) by which a delay is spread at random either way, so retries of many
 *                     messages failing together do not arrive together
 */
public record RetryPolicy(Duration initialDelay, double multiplier, Duration maxDelay, double jitter) {

    public RetryPolicy {
        Objects.requireNonNull(initialDelay, "initialDelay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        if (initialDelay.isNegative()) {
            throw new IllegalArgumentException("retry initialDelay must not be negative, was " + initialDelay);
        }
        if (maxDelay.compareTo(initialDelay) < 0) {
            throw new IllegalArgumentException(
                    "retry maxDelay (" + maxDelay + ") must be at least initialDelay (" + initialDelay + ")");
        }
        if (!(multiplier >= 1.0)) {
            throw new IllegalArgumentException("retry multiplier must be at least 1.0, was " + multiplier);
        }
        if (!(jitter >= 0.0 && jitter <= 1.0)) {
            throw new IllegalArgumentException("retry jitter must be within 0..1, was " + jitter);
        }
    }

    /** Exponential backoff from {@code initialDelay}; finish with {@link Builder#build()}. */
    public static Builder exponential(Duration initialDelay) {
        return new Builder(initialDelay);
    }

    /** The same delay after every failure, no jitter. */
    public static RetryPolicy fixed(Duration delay) {
        return new RetryPolicy(delay, 1.0, delay, 0.0);
    }

    /** Redelivery at once. */
    public static RetryPolicy immediate() {
        return fixed(Duration.ZERO);
    }

    /** The default: exponential with the values in {@code queue-defaults.properties}. */
    public static RetryPolicy defaults() {
        return QueueDefaults.INSTANCE.retryPolicy();
    }

    /**
     * The delay before the attempt after failed attempt number {@code attempt} (1 for the first).
     *
     * @param random a source of numbers in [0, 1), used only when {@link #jitter()} is not zero
     */
    public Duration delayAfter(int attempt, DoubleSupplier random) {
        double base = initialDelay.toNanos() * Math.pow(multiplier, Math.max(0, attempt - 1));
        double spread = jitter == 0.0 ? 1.0 : 1.0 - jitter + 2.0 * jitter * random.getAsDouble();
        double nanos = Math.min(base * spread, maxDelay.toNanos());
        return Duration.ofNanos((long) nanos);
    }

    /** Builder for exponential policies. */
    public static final class Builder {
        private final Duration initialDelay;
        private double multiplier = 2.0;
        private Duration maxDelay;
        private double jitter;

        private Builder(Duration initialDelay) {
            this.initialDelay = Objects.requireNonNull(initialDelay, "initialDelay");
            this.maxDelay = QueueDefaults.INSTANCE.retryPolicy().maxDelay();
        }

        public Builder multiplier(double v) { multiplier = v; return this; }
        public Builder maxDelay(Duration v) { maxDelay = v; return this; }
        public Builder jitter(double v) { jitter = v; return this; }

        public RetryPolicy build() {
            return new RetryPolicy(initialDelay, multiplier, maxDelay.compareTo(initialDelay) < 0 ? initialDelay : maxDelay, jitter);
        }
    }
}
