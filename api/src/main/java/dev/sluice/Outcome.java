package dev.sluice;

import java.time.Duration;
import java.util.Objects;

/**
 * What becomes of a delivery: acked, retried after a delay, or dead-lettered. Interceptors see it as the
 * result of {@link Interceptor.Chain#proceed()}; hosts act on it (the poller acks or nacks, the Lambda host
 * reports batch item failures, the Cloud Run host answers with a status code).
 */
public sealed interface Outcome {

    /** Handled; the message is acknowledged. */
    record Ack() implements Outcome {
    }

    /**
     * Failed; the message is redelivered after {@code delay}.
     *
     * @param delay the backoff the queue's {@link RetryPolicy} computed
     * @param cause the failure
     */
    record Retry(Duration delay, Throwable cause) implements Outcome {
        public Retry {
            Objects.requireNonNull(delay, "delay");
            Objects.requireNonNull(cause, "cause");
        }
    }

    /**
     * Will not succeed; the message goes to the dead-letter queue with {@code reason}, then is acknowledged.
     *
     * @param reason why
     * @param cause  the failure, or null (an unknown type has none)
     */
    record DeadLetter(DeadLetterReason reason, Throwable cause) implements Outcome {
        public DeadLetter {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** The acknowledgement outcome. */
    Outcome ACK = new Ack();
}
