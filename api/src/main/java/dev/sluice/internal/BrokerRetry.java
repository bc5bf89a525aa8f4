package dev.sluice.internal;

import dev.sluice.ErrorCode;
import dev.sluice.Scheduler;
import dev.sluice.SluiceException;
import dev.sluice.spi.AckFailure;
import dev.sluice.spi.DriverError;
import dev.sluice.spi.InboundMessage;
import dev.sluice.spi.QueueDriver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;

/**
 * The one retry loop for broker calls (send, ack, receive): which failures are tried again, how often, and
 * how long to wait between tries. Waits on the injected {@link Scheduler}, so a virtual clock drives it and
 * no thread sleeps; an interrupt ends the wait. The delay doubles from {@code first} up to {@code max};
 * a throttled call waits four times as long, as the brokers ask.
 *
 * @param scheduler the time source
 * @param maxTries  tries in all, the first included; {@link Integer#MAX_VALUE} for a loop that never gives up
 * @param first     the wait after the first failure
 * @param max       the longest wait
 */
public record BrokerRetry(Scheduler scheduler, int maxTries, Duration first, Duration max) {

    /** Sends and acks: up to 6 tries over about 3 seconds (longer when throttled). */
    public static BrokerRetry forCalls(Scheduler scheduler) {
        return new BrokerRetry(scheduler, 6, Duration.ofMillis(100), Duration.ofSeconds(5));
    }

    /** Whether a call that failed with {@code code} on try {@code tries} (1-based) is tried again. */
    public boolean retries(ErrorCode code, int tries) {
        return code.retryable() && tries < maxTries;
    }

    /** The wait after the {@code tries}-th failed try. */
    public Duration delay(ErrorCode code, int tries) {
        Duration d = first;
        for (int i = 1; i < tries && d.compareTo(max) < 0; i++) d = d.multipliedBy(2);
        if (d.compareTo(max) > 0) d = max;
        return code == ErrorCode.THROTTLED ? d.multipliedBy(4) : d;
    }

    /** Waits {@link #delay} on the scheduler. */
    public void pause(ErrorCode code, int tries) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        Scheduler.Cancellable timer = scheduler.schedule(delay(code, tries), done::countDown);
        try {
            done.await();
        } finally {
            timer.cancel();
        }
    }

    /**
     * Runs {@code call}, trying it again, after {@link #pause}, while it fails with a retryable
     * {@link SluiceException}; the last failure is thrown. For idempotent calls such as provisioning a queue (a
     * connection the broker closed mid-request must not fail a worker's start).
     */
    public <T> T call(Supplier<T> call) {
        for (int tries = 1; ; tries++) {
            try {
                return call.get();
            } catch (SluiceException e) {
                if (!retries(e.code(), tries)) throw e;
                try {
                    pause(e.code(), tries);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /**
     * Acks {@code batch} through {@code driver}, trying again, after {@link #pause}, what failed retryably;
     * returns the acks that finally failed (the worker's acknowledger and the dead-letter purge both ack this way).
     */
    public List<AckFailure> ack(QueueDriver driver, List<InboundMessage> batch) throws InterruptedException {
        return ack(driver, batch, false);
    }

    /**
     * As {@link #ack(QueueDriver, List)}, through {@link QueueDriver#ackDeadLettered} when {@code deadLettered}
     * (messages whose dead letters were sent).
     */
    public List<AckFailure> ack(QueueDriver driver, List<InboundMessage> batch, boolean deadLettered)
            throws InterruptedException {
        List<AckFailure> finalFailures = new ArrayList<>();
        Pending pending = new Pending(batch, ErrorCode.UNAVAILABLE);
        for (int tries = 1; !pending.messages().isEmpty(); tries++) {
            pending = ackTry(driver, pending.messages(), deadLettered, tries, finalFailures);
            if (!pending.messages().isEmpty()) pause(pending.code(), tries);
        }
        return finalFailures;
    }

    /**
     * As {@link #ack}, but an interrupt does not cut it short: the tries and pauses run to the end with the
     * interrupt status cleared, and it is set again before returning. For a batch that must be settled once
     * begun (a redrive deletes from the DLQ what the source queue already took).
     */
    public List<AckFailure> ackToTheEnd(QueueDriver driver, List<InboundMessage> batch) {
        boolean interrupted = Thread.interrupted();
        try {
            List<AckFailure> finalFailures = new ArrayList<>();
            Pending pending = new Pending(batch, ErrorCode.UNAVAILABLE);
            for (int tries = 1; !pending.messages().isEmpty(); tries++) {
                pending = ackTry(driver, pending.messages(), false, tries, finalFailures);
                interrupted |= Thread.interrupted();
                while (!pending.messages().isEmpty()) {
                    try {
                        pause(pending.code(), tries);
                        break;
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
            }
            return finalFailures;
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    /** One try: adds the final failures to {@code finalFailures}; returns what to try again, and why. */
    private Pending ackTry(QueueDriver driver, List<InboundMessage> batch, boolean deadLettered, int tries,
                           List<AckFailure> finalFailures) {
        List<InboundMessage> again = new ArrayList<>();
        ErrorCode code = ErrorCode.UNAVAILABLE;
        for (AckFailure f : ackOnce(driver, batch, deadLettered)) {
            if (retries(f.error().code(), tries)) {
                again.add(f.message());
                if (f.error().code() == ErrorCode.THROTTLED) code = ErrorCode.THROTTLED;
            } else {
                finalFailures.add(f);
            }
        }
        return new Pending(again, code);
    }

    private record Pending(List<InboundMessage> messages, ErrorCode code) {
    }

    /** One ack call; a call that throws fails every message of it with the error's code. */
    private static List<AckFailure> ackOnce(QueueDriver driver, List<InboundMessage> batch, boolean deadLettered) {
        try {
            return deadLettered ? driver.ackDeadLettered(batch) : driver.ack(batch);
        } catch (RuntimeException e) {
            DriverError error = e instanceof SluiceException s ? new DriverError(s.code(), String.valueOf(s.getMessage()), s)
                    : new DriverError(ErrorCode.UNKNOWN, String.valueOf(e.getMessage()), e);
            return batch.stream().map(m -> new AckFailure(m, error)).toList();
        }
    }
}
