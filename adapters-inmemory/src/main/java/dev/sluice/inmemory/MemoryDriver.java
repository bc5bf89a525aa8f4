package dev.sluice.inmemory;

import dev.sluice.ErrorCode;
import dev.sluice.QueueDepth;
import dev.sluice.QueueSpec;
import dev.sluice.spi.AckFailure;
import dev.sluice.spi.Capabilities;
import dev.sluice.spi.DriverError;
import dev.sluice.spi.InboundMessage;
import dev.sluice.spi.OutboundMessage;
import dev.sluice.spi.QueueDriver;
import dev.sluice.spi.SendResult;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** The driver for {@code mem://name}: a translation onto {@link MemoryQueue}. */
final class MemoryDriver implements QueueDriver {
    private final URI uri;
    private final MemoryBroker broker;
    private final MemoryQueue queue;
    private final Capabilities capabilities;

    MemoryDriver(URI uri, MemoryBroker broker, Capabilities capabilities) {
        this.uri = uri;
        this.broker = broker;
        this.queue = broker.queue(MemoryDriverProvider.queueName(uri));
        this.capabilities = capabilities;
    }

    @Override
    public Capabilities capabilities() {
        return capabilities;
    }

    @Override
    public URI uri() {
        return uri;
    }

    @Override
    public URI defaultDeadLetterUri() {
        return URI.create("mem://" + queue.name() + "-dlq");
    }

    @Override
    public List<SendResult> send(List<OutboundMessage> batch) {
        List<SendResult> results = new ArrayList<>(batch.size());
        for (OutboundMessage m : batch) {
            if (m.encodedSize() > capabilities.maxMessageBytes()) {
                results.add(SendResult.failed(new DriverError(ErrorCode.INVALID, "message " + m.id() + " is "
                        + m.encodedSize() + " bytes; the in-memory broker accepts at most " + capabilities.maxMessageBytes())));
            } else {
                results.add(SendResult.ok(queue.send(m)));
            }
        }
        return results;
    }

    @Override
    public List<InboundMessage> receive(int max, Duration maxWait) throws InterruptedException {
        return queue.receive(Math.min(max, capabilities.maxBatchSize()), maxWait);
    }

    @Override
    public List<AckFailure> ack(List<InboundMessage> batch) {
        List<AckFailure> failures = new ArrayList<>();
        for (InboundMessage m : batch) {
            if (!queue.ack(m.ackHandle())) failures.add(new AckFailure(m, expired(m)));
        }
        return failures;
    }

    @Override
    public void nack(InboundMessage message, Duration delay) {
        queue.nack(message.ackHandle(), delay);
    }

    @Override
    public void extendLease(InboundMessage message, Duration lease) {
        queue.extend(message.ackHandle(), lease);
    }

    @Override
    public List<String> provision(QueueSpec spec, URI deadLetterUri) {
        MemoryQueue dlq = broker.queue(MemoryDriverProvider.queueName(deadLetterUri));
        queue.configure(spec.lease(), spec.maxDeliveryAttempts(), dlq);
        return List.of();
    }

    /** Exact: visible counts the messages waiting behind an earlier one of their key too (as SQS FIFO does). */
    @Override
    public QueueDepth depth() {
        MemoryQueue.Stats s = queue.stats();
        return new QueueDepth(uri, OptionalLong.of(s.ready() + s.waitingInLanes()), OptionalLong.of(s.leased()),
                OptionalLong.of(s.delayed()), queue.oldestAge(), "");
    }

    @Override
    public <T> Optional<T> unwrap(Class<T> type) {
        if (type.isInstance(queue)) return Optional.of(type.cast(queue));
        if (type.isInstance(broker)) return Optional.of(type.cast(broker));
        return Optional.empty();
    }

    @Override
    public void close() {
    }

    private static DriverError expired(InboundMessage m) {
        return new DriverError(ErrorCode.NOT_FOUND, "the lease of message " + m.messageId()
                + " expired before the ack; it was or will be delivered again");
    }
}
