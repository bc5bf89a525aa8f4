package dev.sluice.pipeline;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * How one message's outcome leaves a host: the one interface a host implements. The {@link Pipeline}
 * decides (ack, retry after a delay, dead-letter then ack), clamps, counts and keeps the lease; the host
 * only says how each of these reaches its broker or caller.
 *
 * <ul>
 *   <li>poller: {@code ack} queues a batched delete ({@code deadLettered} a batched
 *       {@link dev.sluice.spi.QueueDriver#ackDeadLettered}), {@code retry} nacks through the driver;</li>
 *   <li>Lambda: {@code ack} leaves the record out of the batch item failures, {@code retry} reports it and
 *       sets its visibility timeout to the delay;</li>
 *   <li>Cloud Run: {@code ack} answers 2xx, {@code retry} answers 503 with {@code Retry-After}.</li>
 * </ul>
 *
 * <p>The pipeline calls exactly one of {@link #ack()}, {@link #deadLettered()} and {@link #retry(Duration)}, once, and
 * {@link #extendLease(Duration)} any number of times before that, from another thread.
 */
public interface Settlement {

    /** The message was handled (or deliberately acknowledged unhandled): remove it. */
    void ack();

    /**
     * The message failed for good and its dead letter (with the reason) was sent: remove it, as a failure where the
     * broker records how a message ended (a Kafka share group's {@code REJECT}); elsewhere the same as {@link #ack()}.
     */
    void deadLettered();

    /**
     * Deliver the message again after {@code delay}, already within the broker's
     * {@link dev.sluice.spi.Capabilities#maxNackDelay()} (zero: at once).
     */
    void retry(Duration delay);

    /**
     * Extends the message's lease to {@code lease} from now. Returns false where the host cannot (a
     * Pub/Sub push request: the subscription's ack deadline bounds the handler).
     */
    boolean extendLease(Duration lease);

    /**
     * When the broker's lease on the message began (it was received), where the host knows: the pipeline then
     * extends it half a lease after that, not half a lease after the handler started, so a message that waited for a
     * handler thread (or behind its ordering key) is not redelivered meanwhile. Empty: from the handler's start.
     */
    default Optional<Instant> leaseStart() {
        return Optional.empty();
    }
}
