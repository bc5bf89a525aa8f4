package dev.sluice.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Delivery;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import dev.sluice.ErrorCode;
import dev.sluice.Scheduler;
import dev.sluice.SluiceException;
import dev.sluice.spi.DriverError;
import dev.sluice.spi.InboundMessage;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receiving side of one queue: a push consumer ({@code basic.consume}, manual acks) feeding a buffer that
 * {@link #receive} drains, and the leases of what it handed out.
 *
 * <p><b>Prefetch.</b> The consumer's {@code basic.qos} is the largest number of messages the receives in progress
 * asked for together (the worker asks for its free handler slots, so that is its slots), so the broker never
 * pushes more than the worker can start: held plus buffered messages stay within it. A larger need later adds a
 * consumer with the difference as its prefetch (at most {@value #MAX_PREFETCH} in all).
 *
 * <p><b>Leases.</b> RabbitMQ has no visibility timeout: an unacked message stays with its channel until the
 * channel closes. The driver keeps the lease itself: when it ends unextended, the driver gives the message back
 * ({@code basic.reject} with requeue, which the quorum queue counts as a delivery), as a visibility timeout would.
 * A handle whose lease ended, or whose channel went down (a lost connection: the broker requeued everything the
 * channel held), is stale: its ack is reported {@code NOT_FOUND} and never reaches the broker, where an unknown
 * delivery tag would close the channel.
 *
 * <p><b>Idle.</b> When nobody has received for {@link #IDLE} and nothing is held, the consumers are cancelled and
 * what they had buffered is given back, so a stopped worker does not keep messages from other processes.
 */
final class Consumption {
    private static final Logger log = LoggerFactory.getLogger(Consumption.class);
    static final Duration IDLE = Duration.ofSeconds(10);
    /** The most unacked messages one consumer is given. */
    static final int MAX_PREFETCH = 1000;

    private record Buffered(long generation, Delivery delivery) {
    }

    /** A delivery handed out by {@link #receive}, with its lease timer. */
    static final class Held {
        final long generation;
        final Delivery delivery;
        volatile Scheduler.Cancellable timer;

        Held(long generation, Delivery delivery) {
            this.generation = generation;
            this.delivery = delivery;
        }
    }

    private final Connection connection;
    private final RabbitAddress address;
    private final Scheduler scheduler;
    private final LinkedBlockingQueue<Buffered> buffer = new LinkedBlockingQueue<>();
    private final Map<Long, Held> held = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong();
    private final AtomicInteger receiving = new AtomicInteger();
    private volatile Instant lastReceive;
    private volatile Channel channel;
    private volatile boolean channelDead;
    /** The consumers on the channel; their prefetches add up to {@link #prefetch}. */
    private final List<String> consumerTags = new ArrayList<>();
    private final AtomicInteger asking = new AtomicInteger();
    private int prefetch;
    private boolean closed;
    private Scheduler.Cancellable idleCheck;

    Consumption(Connection connection, RabbitAddress address, Scheduler scheduler) {
        this.connection = connection;
        this.address = address;
        this.scheduler = scheduler;
        this.lastReceive = scheduler.now();
    }

    // ---- receive ---------------------------------------------------------------------------------

    List<InboundMessage> receive(int max, Duration maxWait, Duration lease) throws InterruptedException {
        if (Thread.interrupted()) throw new InterruptedException();
        receiving.incrementAndGet();
        int asked = asking.addAndGet(max);
        try {
            consume(asked);
            List<InboundMessage> out = new ArrayList<>(max);
            long deadline = System.nanoTime() + Math.max(0, maxWait.toNanos());
            while (out.size() < max) {
                long left = deadline - System.nanoTime();
                Buffered b = out.isEmpty() && left > 0 ? buffer.poll(left, TimeUnit.NANOSECONDS) : buffer.poll();
                if (b == null) break;
                if (b.generation() != generation.get()) continue; // its channel went down: the broker requeued it
                InboundMessage m = hold(b, lease);
                if (m != null) out.add(m);
            }
            return out;
        } finally {
            asking.addAndGet(-max);
            lastReceive = scheduler.now();
            receiving.decrementAndGet();
        }
    }

    private synchronized InboundMessage hold(Buffered b, Duration lease) {
        if (closed || b.generation() != generation.get()) return null;
        long tag = b.delivery().getEnvelope().getDeliveryTag();
        Held h = new Held(b.generation(), b.delivery());
        held.put(tag, h);
        h.timer = scheduler.schedule(lease, () -> expire(tag, h));
        Delivery d = b.delivery();
        return RabbitWire.inbound(d.getEnvelope(), d.getProperties(), d.getBody(), b.generation() + ":" + tag, d);
    }

    /**
     * Starts the consumer, or adds one for the prefetch {@code asked} needs beyond what the consumers have. Consumers
     * are never cancelled to change their prefetch: a quorum queue returns what it had in flight to a cancelled
     * consumer, counting a delivery no handler saw.
     */
    private synchronized void consume(int asked) {
        if (closed) throw new IllegalStateException("the driver for " + address.uri() + " is closed");
        try {
            if (channel == null || channelDead) {
                if (channel != null && channel.isOpen()) closeQuietly(channel);
                Channel ch = connection.createChannel();
                ch.addShutdownListener(cause -> channelDown(ch, cause));
                generation.incrementAndGet();
                channel = ch;
                channelDead = false;
                consumerTags.clear();
                prefetch = 0;
            }
            if (!channel.isOpen()) {
                throw new SluiceException(ErrorCode.UNAVAILABLE, "receive from " + address.describe() + ": the"
                        + " connection is down and recovering (the client reconnects every second)");
            }
            int want = Math.min(MAX_PREFETCH, Math.max(prefetch, asked));
            if (want > prefetch) {
                channel.basicQos(want - prefetch);
                String tag = "sluice-" + UUID.randomUUID();
                channel.basicConsume(address.queue(), false, tag, new Receiver(channel));
                consumerTags.add(tag);
                prefetch = want;
                scheduleIdleCheck();
            }
        } catch (IOException | AlreadyClosedException e) {
            throw RabbitErrors.exception(e, "receive (basic.consume)", address);
        }
    }

    private final class Receiver extends DefaultConsumer {
        Receiver(Channel channel) {
            super(channel);
        }

        @Override
        public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
            buffer.add(new Buffered(generation.get(), new Delivery(envelope, properties, body)));
        }

        @Override
        public void handleCancel(String tag) {
            synchronized (Consumption.this) {
                if (consumerTags.remove(tag) && consumerTags.isEmpty()) prefetch = 0;
            }
            log.warn("RabbitMQ cancelled the consumer of {} (was the queue deleted?)", address.describe());
        }
    }

    /** The channel went down: everything it held or buffered was requeued by the broker; those handles are stale. */
    private void channelDown(Channel ch, ShutdownSignalException cause) {
        // No lock here: this runs on the connection's thread, which a receive holding the lock may be waiting for.
        if (ch != channel) return;
        generation.incrementAndGet();
        held.values().forEach(h -> h.timer.cancel());
        held.clear();
        buffer.clear();
        // A connection failure is recovered by the client, channel and consumer included; a channel-level error is not.
        if (!cause.isHardError() || cause.isInitiatedByApplication()) channelDead = true;
        if (!cause.isInitiatedByApplication()) {
            log.warn("the channel receiving from {} closed ({}); its unacked messages go back to the queue{}",
                    address.describe(), RabbitErrors.said(cause), cause.isHardError() ? "; reconnecting" : "");
        }
    }

    // ---- settle ------------------------------------------------------------------------------------

    /** Acks a delivery; null on success, else why not. */
    synchronized DriverError ack(InboundMessage m) {
        Held h = take(m);
        if (h == null) return stale(m);
        try {
            channel.basicAck(h.delivery.getEnvelope().getDeliveryTag(), false);
            return null;
        } catch (IOException | AlreadyClosedException e) {
            return new DriverError(ErrorCode.NOT_FOUND, "ack of message " + m.messageId() + " on " + address.describe()
                    + " failed: " + RabbitErrors.said(e) + "; the channel closed, so the broker gives the message back"
                    + " and it will be delivered again", e);
        }
    }

    /**
     * Gives a delivery back at once: {@code basic.reject} with requeue, which every RabbitMQ version counts in the
     * quorum queue's delivery count (from 4.3 on, {@code basic.nack} with requeue no longer does).
     */
    synchronized void requeue(InboundMessage m) {
        Held h = take(m);
        if (h == null) throw new SluiceException(ErrorCode.NOT_FOUND, stale(m).message());
        try {
            channel.basicReject(h.delivery.getEnvelope().getDeliveryTag(), true);
        } catch (IOException | AlreadyClosedException e) {
            throw RabbitErrors.exception(e, "nack", address);
        }
    }

    /** The delivery of a handle that is still held, or throws NOT_FOUND. */
    synchronized Held held(InboundMessage m) {
        Handle handle = Handle.parse(m.ackHandle());
        Held h = handle == null ? null : held.get(handle.tag());
        if (h == null || h.generation != handle.generation()) throw new SluiceException(ErrorCode.NOT_FOUND, stale(m).message());
        return h;
    }

    synchronized void extend(InboundMessage m, Duration lease) {
        Held h = held(m);
        long tag = h.delivery.getEnvelope().getDeliveryTag();
        h.timer.cancel();
        h.timer = scheduler.schedule(lease, () -> expire(tag, h));
    }

    /** Removes a still-held delivery from the lease table; null when the handle is stale. */
    synchronized Held take(InboundMessage m) {
        Handle handle = Handle.parse(m.ackHandle());
        if (handle == null) return null;
        Held h = held.get(handle.tag());
        if (h == null || h.generation != handle.generation()) return null;
        held.remove(handle.tag());
        h.timer.cancel();
        return h;
    }

    private synchronized void expire(long tag, Held h) {
        if (!held.remove(tag, h)) return;
        try {
            if (h.generation == generation.get() && channel.isOpen()) channel.basicReject(tag, true);
        } catch (IOException | AlreadyClosedException e) {
            log.debug("giving back message {} of {} at the end of its lease failed: {}", tag, address.describe(), e.toString());
        }
    }

    private DriverError stale(InboundMessage m) {
        return new DriverError(ErrorCode.NOT_FOUND, "message " + m.messageId() + " on " + address.describe()
                + " is no longer held by this receiver: its lease ended or its channel closed, so the broker gave it back"
                + " and it was or will be delivered again");
    }

    /** {@code generation:deliveryTag}. */
    record Handle(long generation, long tag) {
        static Handle parse(String s) {
            int colon = s.indexOf(':');
            if (colon < 0) return null;
            try {
                return new Handle(Long.parseLong(s.substring(0, colon)), Long.parseLong(s.substring(colon + 1)));
            } catch (NumberFormatException e) {
                return null;
            }
        }
    }

    // ---- idle, close -------------------------------------------------------------------------------

    private void scheduleIdleCheck() {
        if (idleCheck == null && !closed) idleCheck = scheduler.schedule(IDLE, this::idleCheck);
    }

    private void idleCheck() {
        synchronized (this) {
            idleCheck = null;
            if (closed || consumerTags.isEmpty()) return;
            boolean idle = receiving.get() == 0 && held.isEmpty()
                    && Duration.between(lastReceive, scheduler.now()).compareTo(IDLE) >= 0;
            if (!idle) {
                scheduleIdleCheck();
                return;
            }
            try {
                for (String tag : consumerTags) if (channel.isOpen()) channel.basicCancel(tag);
            } catch (IOException | AlreadyClosedException e) {
                log.debug("cancelling the idle consumers of {} failed: {}", address.describe(), e.toString());
            }
            consumerTags.clear();
            prefetch = 0;
            giveBackBuffered();
        }
    }

    private void giveBackBuffered() {
        List<Buffered> rest = new ArrayList<>();
        buffer.drainTo(rest);
        for (Buffered b : rest) { // never handed to a handler: basic.nack, which RabbitMQ 4.3+ does not count as an attempt
            if (b.generation() != generation.get()) continue;
            try {
                channel.basicNack(b.delivery().getEnvelope().getDeliveryTag(), false, true);
            } catch (IOException | AlreadyClosedException e) {
                return; // the channel is gone: the broker requeued them all
            }
        }
    }

    /** Closes the channel: the broker requeues whatever it still held or buffered. */
    synchronized void close() {
        if (closed) return;
        closed = true;
        if (idleCheck != null) idleCheck.cancel();
        held.values().forEach(h -> h.timer.cancel());
        held.clear();
        buffer.clear();
        if (channel != null) closeQuietly(channel);
    }

    /** The receiving channel, for tests and for {@code unwrap}; null before the first receive. */
    synchronized Channel channel() {
        return channel;
    }

    private static void closeQuietly(Channel ch) {
        try {
            if (ch.isOpen()) ch.close();
        } catch (IOException | java.util.concurrent.TimeoutException | RuntimeException e) {
            // closing anyway
        }
    }
}
