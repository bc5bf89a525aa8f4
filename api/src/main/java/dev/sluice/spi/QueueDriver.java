package dev.sluice.spi;

import dev.sluice.QueueDepth;
import dev.sluice.QueueSpec;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The contract a broker implements: a handful of batch primitives on one queue (for Pub/Sub, one topic
 * and its subscription). Everything else (batching to {@link Capabilities#maxBatchSize()}, concurrency,
 * retry decisions, backoff arithmetic, attempt accounting, dead-lettering, lease auto-extension, drain on
 * close, the wire format) is done once, above the drivers.
 *
 * <p>What a driver does <em>not</em> do:
 * <ul>
 *   <li>retry. A failed call is classified into a {@link DriverError} (or a
 *       {@link dev.sluice.SluiceException} carrying its {@link dev.sluice.ErrorCode}) and the portable
 *       layer decides whether to try again. Retries stacked under a policy are a classic bug;</li>
 *   <li>encode or decode CloudEvents. It moves bytes and string attributes;</li>
 *   <li>decide policy. Clamping a delay to what the broker allows is translation; choosing a delay is not.</li>
 * </ul>
 *
 * <p>Methods may be called from many threads at once. Blocking is fine: the engine calls them from its
 * own threads.
 */
public interface QueueDriver extends AutoCloseable {

    /** What this broker can do; constant for the life of the driver. */
    Capabilities capabilities();

    /** The queue this driver talks to, as the user wrote it. */
    URI uri();

    /**
     * Where this queue's dead letters go when the {@link QueueSpec} names no DLQ: a URI of the same scheme,
     * e.g. {@code sqs://orders-dlq.fifo} for {@code sqs://orders.fifo}.
     */
    URI defaultDeadLetterUri();

    /**
     * Sends up to {@link Capabilities#maxBatchSize()} messages. Returns one result per message, in order;
     * a failure of the whole call may instead throw a {@link dev.sluice.SluiceException}.
     */
    List<SendResult> send(List<OutboundMessage> batch);

    /**
     * Receives up to {@code max} messages (at most {@link Capabilities#maxBatchSize()}), waiting up to
     * {@code maxWait} for the first to arrive (long polling). Returns an empty list when none arrived.
     * Each returned message is leased to the caller for the queue's lease duration.
     *
     * @throws InterruptedException when the calling thread is interrupted while waiting
     */
    List<InboundMessage> receive(int max, Duration maxWait) throws InterruptedException;

    /** Acknowledges (deletes) up to {@link Capabilities#maxBatchSize()} messages; returns those that failed. */
    List<AckFailure> ack(List<InboundMessage> batch);

    /**
     * Acknowledges up to {@link Capabilities#maxBatchSize()} messages that failed for good and whose dead letters
     * Sluice has written (with the reason); returns those that failed. A broker that records how a message ended says
     * it failed (a Kafka share group rejects it); the default is {@link #ack}, which every other broker means.
     */
    default List<AckFailure> ackDeadLettered(List<InboundMessage> batch) {
        return ack(batch);
    }

    /**
     * Gives a message back for redelivery after {@code delay} (zero: at once). The delay is within
     * {@link Capabilities#maxNackDelay()}; the engine clamps before calling.
     */
    void nack(InboundMessage message, Duration delay);

    /** Extends the lease of a message being handled to {@code lease} from now. */
    void extendLease(InboundMessage message, Duration lease);

    /**
     * Makes the queue and its dead-letter queue match {@code spec} as far as this broker can: creates what
     * is missing when {@code spec.provisioning()} allows, and returns, as sentences a user can act on, every
     * way an existing queue contradicts the spec (redrive policy, FIFO-ness, ordering, ...). The portable
     * layer decides whether a contradiction stops the start-up or is logged.
     */
    List<String> provision(QueueSpec spec, URI deadLetterUri);

    /**
     * What the broker can tell of this queue's backlog now (one cheap call: SQS {@code GetQueueAttributes}); a
     * reading it cannot give is empty, with a note saying where to read it instead. The default knows nothing,
     * so a driver without it still compiles. May throw a {@link dev.sluice.SluiceException} like any call.
     */
    default QueueDepth depth() {
        return QueueDepth.unknown(uri(), capabilities().broker() + "'s driver does not report queue depth");
    }

    /**
     * The provider's native object of {@code type} (a client, a queue URL), for what the portable API does
     * not cover. Each driver's README lists what it hands out.
     */
    <T> Optional<T> unwrap(Class<T> type);

    /** Releases the driver's resources; does not delete the queue. */
    @Override
    void close();
}
