package dev.sluice.pipeline;

import dev.sluice.DeadLetterReason;
import dev.sluice.DeadLetterReason.Cause;
import dev.sluice.Outcome;
import dev.sluice.PermanentFailureException;
import dev.sluice.QueueSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalInt;
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

    Outcome classify(Throwable failure, OptionalInt attempt, Instant firstFailure, Instant now) {
        Integer attempts = attempt.isPresent() ? attempt.getAsInt() : null;
        if (isPermanent(failure)) {
            return deadLetter(Cause.PERMANENT_FAILURE, failure, attempts, firstFailure, now);
        }
        if (attempts != null && attempts >= spec.maxDeliveryAttempts()) {
            return deadLetter(Cause.MAX_ATTEMPTS, failure, attempts, firstFailure, now);
        }
        return new Outcome.Retry(retryDelay(attempt), failure);
    }

    Duration retryDelay(OptionalInt attempt) {
        return spec.retryPolicy().delayAfter(attempt.orElse(1), random);
    }

    Outcome.DeadLetter deadLetter(Cause cause, Throwable failure, Integer attempts, Instant first, Instant now) {
        String exception = failure == null ? null : failure.getClass().getName();
        String message = failure == null ? null : failure.getMessage();
        return new Outcome.DeadLetter(
                new DeadLetterReason(cause, exception, message, attempts, spec.uri().toString(), first, now, null), failure);
    }

    private static boolean isPermanent(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof PermanentFailureException) return true;
        }
        return false;
    }
}
