package dev.sluice.worker;

import dev.sluice.Redaction;
import dev.sluice.Scheduler;
import dev.sluice.pipeline.DriverSettlement;
import dev.sluice.pipeline.Pipeline;
import dev.sluice.pipeline.Settlement;
import dev.sluice.spi.InboundMessage;
import dev.sluice.spi.QueueDriver;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs received messages on the handler threads through the {@link Pipeline}, which decides and settles each
 * one through a {@link DriverSettlement} (ack through the {@link Acknowledger}, retry and lease through the
 * driver). Messages with an ordering key run one at a time per key, in the order received; when one of them
 * is to be retried, the later ones of its key that were received but not started are given back
 * ({@link Pipeline#release}) before it is, so the broker redelivers them after it, in order, and its own
 * redelivery, which may arrive as soon as it is given back, is not taken for one of them. Each settlement says when
 * its message was received, so its lease is extended half a lease after that, however long it waited to start.
 */
final class Dispatcher {
    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

    private final QueueDriver driver;
    private final Pipeline pipeline;
    private final ExecutorService handlers;
    private final Semaphore permits;
    private final Acknowledger acknowledger;
    private final Scheduler clock;
    private final Map<String, ArrayDeque<Received>> lanes = new HashMap<>();
    /** Messages received and not yet settled or given back: each holds one of the worker's handler slots. */
    private final AtomicInteger held = new AtomicInteger();

    Dispatcher(QueueDriver driver, Pipeline pipeline, ExecutorService handlers, Semaphore permits,
               Acknowledger acknowledger, Scheduler clock) {
        this.clock = clock;
        this.driver = driver;
        this.pipeline = pipeline;
        this.handlers = handlers;
        this.permits = permits;
        this.acknowledger = acknowledger;
    }
    /**
     * Runs each message of one receive now, or after the earlier messages of its key. The whole batch joins
     * the lanes at once, so a message that fails before its successors of the same batch are queued still
     * releases them. Holds one permit per message.
     */
    void dispatch(List<InboundMessage> received) {
        held.addAndGet(received.size());
        Instant at = clock.now();
        List<Received> start = new ArrayList<>(received.size());
        synchronized (lanes) {
            for (InboundMessage message : received) {
                Received r = new Received(message, at);
                String key = message.orderingKey();
                if (key == null) {
                    start.add(r);
                } else if (lanes.containsKey(key)) {
                    lanes.get(key).add(r);
                } else {
                    lanes.put(key, new ArrayDeque<>());
                    start.add(r);
                }
            }
        }
        for (Received r : start) handlers.execute(() -> run(r));
    }

    /** A message and when it was received (when the broker's lease on it began). */
    private record Received(InboundMessage message, Instant at) {
    }

    /** Messages received and not yet settled or given back: running, or waiting behind their ordering key. */
    int held() {
        return held.get();
    }

    /** Releases every message that was received but not started, for immediate redelivery. */
    void releaseWaiting() {
        List<Received> waiting = new ArrayList<>();
        synchronized (lanes) {
            lanes.values().forEach(waiting::addAll);
            lanes.values().forEach(ArrayDeque::clear);
        }
        waiting.forEach(r -> release(r.message()));
    }

    private void run(Received received) {
        InboundMessage message = received.message();
        String key = message.orderingKey();
        boolean escaped = true;
        try {
            pipeline.process(message, new WorkerSettlement(settlement(message), key, received.at()));
            escaped = false;
        } catch (Throwable e) {
            log.error("the pipeline failed on message {} of {}; it will be redelivered when its lease ends",
                    message.messageId(), Redaction.uri(driver.uri()), e);
            throw e;
        } finally {
            held.decrementAndGet();
            permits.release();
            if (key != null) {
                if (escaped) releaseFollowers(key);
                next(key);
            }
        }
    }

    /** Gives back the messages of {@code key} received but not started. */
    private void releaseFollowers(String key) {
        List<Received> released;
        synchronized (lanes) {
            ArrayDeque<Received> lane = lanes.get(key);
            if (lane == null || lane.isEmpty()) return;
            released = new ArrayList<>(lane);
            lane.clear();
        }
        released.forEach(r -> release(r.message()));
    }

    private void next(String key) {
        Received next;
        synchronized (lanes) {
            ArrayDeque<Received> lane = lanes.get(key);
            next = lane == null ? null : lane.poll();
            if (next == null) lanes.remove(key);
        }
        if (next != null) {
            Received r = next;
            handlers.execute(() -> run(r));
        }
    }

    private void release(InboundMessage message) {
        try {
            pipeline.release(message, settlement(message));
        } finally {
            held.decrementAndGet();
            permits.release();
        }
    }

    private DriverSettlement settlement(InboundMessage message) {
        return new DriverSettlement(driver, message, () -> acknowledger.ack(message),
                () -> acknowledger.deadLettered(message));
    }

    /**
     * A worker's settlement: says when its message was received; for an ordered message ({@code key} not null), a
     * retry first gives back the later messages of its key.
     */
    private final class WorkerSettlement implements Settlement {
        private final Settlement settlement;
        private final String key;
        private final Instant received;

        WorkerSettlement(Settlement settlement, String key, Instant received) {
            this.settlement = settlement;
            this.key = key;
            this.received = received;
        }

        @Override
        public void ack() {
            settlement.ack();
        }

        @Override
        public void deadLettered() {
            settlement.deadLettered();
        }

        @Override
        public void retry(Duration delay) {
            if (key != null) releaseFollowers(key);
            settlement.retry(delay);
        }

        @Override
        public boolean extendLease(Duration lease) {
            return settlement.extendLease(lease);
        }

        @Override
        public Optional<Instant> leaseStart() {
            return Optional.of(received);
        }
    }
}
