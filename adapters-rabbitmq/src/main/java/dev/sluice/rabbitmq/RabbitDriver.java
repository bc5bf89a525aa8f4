package dev.sluice.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Delivery;
import dev.sluice.ErrorCode;
import dev.sluice.QueueDepth;
import dev.sluice.QueueSpec;
import dev.sluice.SluiceException;
import dev.sluice.spi.AckFailure;
import dev.sluice.spi.Capabilities;
import dev.sluice.spi.DriverContext;
import dev.sluice.spi.DriverError;
import dev.sluice.spi.InboundMessage;
import dev.sluice.spi.OutboundMessage;
import dev.sluice.spi.QueueDriver;
import dev.sluice.spi.SendResult;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The driver for one RabbitMQ quorum queue: sends with publisher confirms ({@link ConfirmedPublisher}), receives
 * from a push consumer with manual acks and driver-kept leases ({@link Consumption}), delays through the retry
 * queues of {@link RetryLadder}. It does not retry and does not encode CloudEvents ({@link RabbitWire} maps the
 * attributes onto AMQP).
 */
final class RabbitDriver implements QueueDriver {
    /** How long a send waits for the broker's confirms before reporting the batch UNAVAILABLE. */
    static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(30);
    /** The lease before {@link #provision} sets the spec's. */
    static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);

    private final RabbitAddress address;
    private final RabbitConnections connections;
    private final DriverContext context;
    private final Set<String> retryQueues = ConcurrentHashMap.newKeySet();
    private volatile Connection connection;
    private volatile ConfirmedPublisher publisher;
    private volatile Consumption consumption;
    private volatile Channel spare;
    private volatile Duration lease = DEFAULT_LEASE;
    private volatile boolean closed;

    RabbitDriver(RabbitAddress address, RabbitConnections connections, DriverContext context) {
        this.address = address;
        this.connections = connections;
        this.context = context;
    }

    @Override
    public Capabilities capabilities() {
        return RabbitCapabilities.QUORUM;
    }

    /** The URI without its password. */
    @Override
    public URI uri() {
        return address.uri();
    }

    @Override
    public URI defaultDeadLetterUri() {
        return address.defaultDeadLetterUri();
    }

    // ---- send ------------------------------------------------------------------------------------

    @Override
    public List<SendResult> send(List<OutboundMessage> batch) {
        SendResult[] results = new SendResult[batch.size()];
        List<ConfirmedPublisher.Publish> publishes = new ArrayList<>();
        List<Integer> indexes = new ArrayList<>();
        Instant now = context.scheduler().now();
        for (int i = 0; i < batch.size(); i++) {
            OutboundMessage m = batch.get(i);
            String invalid = invalid(m);
            if (invalid != null) {
                results[i] = SendResult.failed(new DriverError(ErrorCode.INVALID, invalid));
                continue;
            }
            String routingKey = address.queue();
            if (!m.delay().isZero()) {
                try {
                    routingKey = retryQueue(RetryLadder.stepFor(m.delay()));
                } catch (SluiceException e) {
                    results[i] = SendResult.failed(new DriverError(e.code(), e.getMessage(), e.getCause()));
                    continue;
                }
            }
            publishes.add(new ConfirmedPublisher.Publish(routingKey,
                    RabbitWire.properties(m, RabbitWire.newMessageId(), now), m.body()));
            indexes.add(i);
        }
        if (!publishes.isEmpty()) {
            List<DriverError> outcomes = publishAndWait(publishes);
            for (int j = 0; j < outcomes.size(); j++) {
                DriverError error = outcomes.get(j);
                results[indexes.get(j)] = error == null
                        ? SendResult.ok(publishes.get(j).properties().getMessageId()) : SendResult.failed(error);
            }
        }
        return List.of(results);
    }

    /** Why RabbitMQ (or this driver) would refuse a message, or null. Checked without a call. */
    private String invalid(OutboundMessage m) {
        if (m.orderingKey() != null) {
            return address.describe() + " keeps order per queue, not per key, so it takes no ordering key (got '"
                    + m.orderingKey() + "'); publish without one";
        }
        if (m.deduplicationId() != null) {
            return address.describe() + " does not deduplicate, so it takes no deduplication id; use the idempotency"
                    + " interceptor on the consumer side";
        }
        int size = m.encodedSize();
        if (size > RabbitCapabilities.MAX_MESSAGE_BYTES) {
            return "message " + m.id() + " is " + size + " bytes (body, header names and values); the RabbitMQ driver"
                    + " accepts at most " + RabbitCapabilities.MAX_MESSAGE_BYTES + " bytes; store the payload elsewhere"
                    + " and send a reference";
        }
        if (m.delay().compareTo(RetryLadder.MAX) > 0) {
            return "delay of message " + m.id() + " is " + m.delay() + "; the RabbitMQ driver's retry queues go up to "
                    + RetryLadder.MAX;
        }
        for (String key : m.attributes().keySet()) {
            if (key.startsWith("x-")) {
                return "attribute '" + key + "' of message " + m.id() + " starts with 'x-', which RabbitMQ reserves";
            }
        }
        return null;
    }

    private List<DriverError> publishAndWait(List<ConfirmedPublisher.Publish> publishes) {
        List<CompletableFuture<DriverError>> futures;
        try {
            futures = publisher().publish(publishes);
        } catch (IOException | RuntimeException e) {
            DriverError error = e instanceof SluiceException s ? new DriverError(s.code(), s.getMessage(), s.getCause())
                    : RabbitErrors.error(e, "publish", address);
            return publishes.stream().map(p -> error).toList();
        }
        long deadline = System.nanoTime() + CONFIRM_TIMEOUT.toNanos();
        List<DriverError> outcomes = new ArrayList<>(futures.size());
        for (CompletableFuture<DriverError> f : futures) {
            try {
                outcomes.add(f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                outcomes.add(new DriverError(ErrorCode.UNAVAILABLE, "publish to " + address.describe()
                        + " interrupted before the broker confirmed it; it may or may not be in the queue"));
            } catch (TimeoutException e) {
                outcomes.add(new DriverError(ErrorCode.UNAVAILABLE, "publish to " + address.describe() + ": no confirm"
                        + " within " + CONFIRM_TIMEOUT.toSeconds() + " s; it may or may not be in the queue"));
            } catch (ExecutionException e) {
                outcomes.add(RabbitErrors.error(e, "publish", address));
            }
        }
        return outcomes;
    }

    /** Why RabbitMQ's depth has no in-flight count or oldest age, and where to read them. */
    static final String DEPTH_NOTE = "AMQP tells only the ready messages of a queue: read messages_unacknowledged"
            + " (in flight) from the management API (GET /api/queues/<vhost>/<queue>) or rabbitmq_queue_messages_unacked"
            + " from the Prometheus plugin; RabbitMQ reports no age of the oldest message";

    /**
     * The queue's ready messages (visible) and, as delayed, the ready messages of its retry ladder's queues (a
     * message waiting out a delay or a retry's backoff sits there until its TTL sends it back), each by a passive
     * declare; in flight and the oldest age are not in AMQP ({@link #DEPTH_NOTE}). A queue that does not exist is
     * {@code NOT_FOUND}.
     */
    @Override
    public QueueDepth depth() {
        RabbitProvisioner queues = new RabbitProvisioner(connection(), address, context);
        long ready = queues.ready(address.queue()).orElseThrow(() -> new SluiceException(ErrorCode.NOT_FOUND,
                address.describe() + " does not exist"));
        long delayed = 0;
        for (long step : RetryLadder.STEPS_MS) {
            delayed += queues.ready(RetryLadder.queueName(address.queue(), step)).orElse(0);
        }
        return new QueueDepth(uri(), OptionalLong.of(ready), OptionalLong.empty(), OptionalLong.of(delayed),
                Optional.empty(), DEPTH_NOTE);
    }

    /** The retry queue of a ladder step, declared on first use. */
    private String retryQueue(long stepMs) {
        String name = RetryLadder.queueName(address.queue(), stepMs);
        if (retryQueues.contains(name)) return name;
        String problem = new RabbitProvisioner(connection(), address, context)
                .declare(name, RabbitProvisioner.retryArguments(address.queue(), stepMs));
        if (problem != null) throw new SluiceException(ErrorCode.INVALID, problem);
        retryQueues.add(name);
        return name;
    }

    // ---- receive, ack, nack, lease ---------------------------------------------------------------

    @Override
    public List<InboundMessage> receive(int max, Duration maxWait) throws InterruptedException {
        int n = Math.max(1, Math.min(max, RabbitCapabilities.MAX_BATCH));
        return consumption().receive(n, maxWait, lease);
    }

    @Override
    public List<AckFailure> ack(List<InboundMessage> batch) {
        if (batch.isEmpty()) return List.of();
        Consumption c = consumption;
        List<AckFailure> failures = new ArrayList<>();
        for (InboundMessage m : batch) {
            DriverError error = c == null ? new DriverError(ErrorCode.NOT_FOUND, "message " + m.messageId()
                    + " was not received by this driver of " + address.describe()) : c.ack(m);
            if (error != null) failures.add(new AckFailure(m, error));
        }
        return failures;
    }

    /**
     * Zero delay: {@code basic.nack} with requeue. A delay: a copy, carrying the attempts so far, is published (and
     * confirmed) to the retry queue of the delay's ladder step, and the delivery is acked; the retry queue dead-letters
     * it back when its TTL ends. A crash between the two delivers it twice, never zero times.
     */
    @Override
    public void nack(InboundMessage message, Duration delay) {
        Consumption c = consumption();
        if (delay.isZero() || delay.isNegative()) {
            c.requeue(message);
            return;
        }
        Delivery d = c.held(message).delivery;
        AMQP.BasicProperties copy = RabbitWire.republished(d.getProperties(), message.attempt().orElse(1));
        String retry = retryQueue(RetryLadder.stepFor(delay.compareTo(RetryLadder.MAX) > 0 ? RetryLadder.MAX : delay));
        DriverError error = publishAndWait(List.of(new ConfirmedPublisher.Publish(retry, copy, d.getBody()))).get(0);
        if (error != null) {
            throw new SluiceException(error.code(), "nack with a delay of " + delay + " (to " + retry + "): "
                    + error.message(), error.cause());
        }
        DriverError acked = c.ack(message);
        if (acked != null) {
            throw new SluiceException(acked.code(), "the delayed copy of message " + message.messageId() + " is in "
                    + retry + ", but the original could not be acked, so it comes back twice: " + acked.message());
        }
    }

    /** Moves the driver-kept lease: the message goes back to the queue when it ends. */
    @Override
    public void extendLease(InboundMessage message, Duration lease) {
        Duration d = lease.compareTo(RabbitCapabilities.MAX_LEASE) > 0 ? RabbitCapabilities.MAX_LEASE : lease;
        consumption().extend(message, d);
    }

    // ---- provisioning, escape hatches, lifecycle ---------------------------------------------------

    @Override
    public List<String> provision(QueueSpec spec, URI deadLetterUri) {
        Duration l = spec.lease();
        if (l.compareTo(RabbitCapabilities.MAX_LEASE) > 0) l = RabbitCapabilities.MAX_LEASE;
        if (l.compareTo(Duration.ofSeconds(1)) < 0) l = Duration.ofSeconds(1);
        lease = l;
        return new RabbitProvisioner(connection(), address, context).provision(spec, deadLetterUri);
    }

    /**
     * {@code Connection}: the shared connection (do not close it); {@code Channel}: a channel of the caller's own
     * (the driver closes it on close); {@code String}: the queue name.
     */
    @Override
    public <T> Optional<T> unwrap(Class<T> type) {
        if (type == Connection.class) return Optional.of(type.cast(connection()));
        if (type == Channel.class) return Optional.of(type.cast(spareChannel()));
        if (type == String.class) return Optional.of(type.cast(address.queue()));
        return Optional.empty();
    }

    private synchronized Channel spareChannel() {
        if (spare == null || !spare.isOpen()) {
            try {
                spare = connection().createChannel();
            } catch (IOException e) {
                throw RabbitErrors.exception(e, "open a channel", address);
            }
        }
        return spare;
    }

    /** Closes the channels (the broker requeues whatever this driver still held) and releases the connection. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) return;
            closed = true;
        }
        if (consumption != null) consumption.close();
        if (publisher != null) publisher.close();
        if (spare != null && spare.isOpen()) {
            try {
                spare.close();
            } catch (IOException | TimeoutException | RuntimeException ignored) {
                // closing anyway
            }
        }
        if (connection != null) connections.release(address);
    }

    @Override
    public String toString() {
        return "RabbitDriver[" + address.uri() + "]";
    }

    // ---- lazily opened parts ------------------------------------------------------------------------

    private Connection connection() {
        Connection c = connection;
        if (c != null) return c;
        synchronized (this) {
            if (closed) throw new IllegalStateException("the driver for " + address.uri() + " is closed");
            if (connection == null) connection = connections.acquire(address);
            return connection;
        }
    }

    private ConfirmedPublisher publisher() {
        ConfirmedPublisher p = publisher;
        if (p != null) return p;
        Connection c = connection();
        synchronized (this) {
            if (publisher == null) publisher = new ConfirmedPublisher(c, address);
            return publisher;
        }
    }

    private Consumption consumption() {
        Consumption r = consumption;
        if (r != null) return r;
        Connection c = connection();
        synchronized (this) {
            if (consumption == null) consumption = new Consumption(c, address, context.scheduler());
            return consumption;
        }
    }
}
