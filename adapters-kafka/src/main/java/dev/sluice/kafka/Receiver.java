package dev.sluice.kafka;

import dev.sluice.spi.AckFailure;
import dev.sluice.spi.InboundMessage;
import java.time.Duration;
import java.util.List;

/** How a queue's records reach Sluice and are settled: a share group or a consumer group. */
interface Receiver extends AutoCloseable {

    /** See {@link dev.sluice.spi.QueueDriver#receive}. */
    List<InboundMessage> receive(int max, Duration maxWait) throws InterruptedException;

    /** See {@link dev.sluice.spi.QueueDriver#ack}. */
    List<AckFailure> ack(List<InboundMessage> batch);

    /** See {@link dev.sluice.spi.QueueDriver#ackDeadLettered}; the default is {@link #ack}. */
    default List<AckFailure> ackDeadLettered(List<InboundMessage> batch) {
        return ack(batch);
    }

    /** See {@link dev.sluice.spi.QueueDriver#nack}. */
    void nack(InboundMessage message, Duration delay);

    /** See {@link dev.sluice.spi.QueueDriver#extendLease}. */
    void extendLease(InboundMessage message, Duration lease);

    /** Gives back what it holds and stops. */
    @Override
    void close();
}
