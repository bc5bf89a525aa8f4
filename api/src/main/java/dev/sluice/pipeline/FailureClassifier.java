package dev.sluice.pipeline;

import dev.sluice.DeadLetterReason.Cause;
import dev.sluice.DeadLetterReason;
import dev.sluice.Outcome;
import dev.sluice.PermanentFailureException;
import dev.sluice.QueueSpec;
import dev.sluice.Redaction;
import java.time.Duration;
import java.time.Instant;
import java.util.function.DoubleSupplier;

/**
 * The retry decision, apart from the retry loop: a failure becomes a dead letter (a permanent failure, or
 * the last allowed attempt) or a retry after the delay the queue's policy computes.
 */
final class FailureClassifier {
    private final QueueSpec spec;
    private final DoubleSupplier random;

    FailureClassifier(QueueSpec spec, DoubleSupplier random) {
        this.spec = spec;
        this.random = random;
    }

    /** @param attempt the number of the attempt that failed, 1 for the first */
    Outcome classify(Throwable failure, int attempt, Instant firstFailure, Instant now) {
        if (isPermanent(failure)) {
            return deadLetter(Cause.PERMANENT_FAILURE, failure, attempt, firstFailure, now);
        }
        if (attempt >= spec.maxDeliveryAttempts()) {
            return deadLetter(Cause.MAX_ATTEMPTS, failure, attempt, firstFailure, now);
        }
        return new Outcome.Retry(retryDelay(attempt), failure);
    }

    Duration retryDelay(int attempt) {
        return spec.retryPolicy().delayAfter(attempt, random);
    }

    Outcome.DeadLetter deadLetter(Cause cause, Throwable failure, Integer attempts, Instant first, Instant now) {
        String exception = failure == null ? null : failure.getClass().getName();
        String message = failure == null ? null : failure.getMessage();
        return new Outcome.DeadLetter(
                new DeadLetterReason(cause, exception, message, attempts, Redaction.uri(spec.uri()), first, now, null), failure);
    }

    private static boolean isPermanent(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof PermanentFailureException) return true;
        }
        return false;
    }
}
