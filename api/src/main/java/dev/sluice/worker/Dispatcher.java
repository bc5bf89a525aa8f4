package dev.sluice.worker;

import dev.sluice.Outcome;
import dev.sluice.pipeline.Pipeline;
import dev.sluice.spi.Capabilities;
import dev.sluice.spi.InboundMessage;
import dev.sluice.spi.QueueDriver;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs received messages on the handler threads and acts on each outcome: ack (through the
 * {@link Acknowledger}), or nack with the retry delay, clamped to what the broker allows. Messages with an
 * ordering key run one at a time per key, in the order received; when one of them is to be retried, the
 * later ones of its key that were received but not started are released at once, so the broker redelivers
 * them after it, in order.
 */
final class Dispatcher {
    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

    private final QueueDriver driver;
    private final Pipeline pipeline;
    private final ExecutorService handlers;
    private final Semaphore permits;
    private final Acknowledger acknowledger;
    private final LeaseKeeper leaseKeeper;
    private final Map<String, ArrayDeque<InboundMessage>> lanes = new HashMap<>();

    Dispatcher(QueueDriver driver, Pipeline pipeline, ExecutorService handlers, Semaphore permits,
               Acknowledger acknowledger, LeaseKeeper leaseKeeper) {
        this.driver = driver;
        this.pipeline = pipeline;
        this.handlers = handlers;
        this.permits = permits;
        this.acknowledger = acknowledger;
        this.leaseKeeper = leaseKeeper;
    }

    /**
     * Runs each message of one receive now, or after the earlier messages of its key. The whole batch joins
     * the lanes at once, so a message that fails before its successors of the same batch are queued still
     * releases them. Holds one permit per message.
     */
    void dispatch(List<InboundMessage> received) {
        List<InboundMessage> start = new ArrayList<>(received.size());
        synchronized (lanes) {
            for (InboundMessage message : received) {
                String key = message.orderingKey();
                if (key == null) {
                    start.add(message);
                } else if (lanes.containsKey(key)) {
                    lanes.get(key).add(message);
                } else {
                    lanes.put(key, new ArrayDeque<>());
                    start.add(message);
                }
            }
        }
        for (InboundMessage message : start) handlers.execute(() -> run(message));
    }

    /** Releases every message that was received but not started, for immediate redelivery. */
    void releaseWaiting() {
        List<InboundMessage> waiting = new ArrayList<>();
        synchronized (lanes) {
            lanes.values().forEach(waiting::addAll);
            lanes.values().forEach(ArrayDeque::clear);
        }
        waiting.forEach(this::release);
    }

    private void run(InboundMessage message) {
        Outcome outcome;
        try (LeaseKeeper.Kept kept = leaseKeeper.keep(message)) {
            outcome = pipeline.process(message, lease -> driver.extendLease(message, lease));
        } catch (RuntimeException | Error e) {
            log.error("pipeline failed on message {} of {}; it will be redelivered", message.messageId(), driver.uri(), e);
            outcome = new Outcome.Retry(Duration.ofSeconds(1), e);
        }
        if (outcome instanceof Outcome.Retry retry) {
            nack(message, retry.delay());
        } else {
            acknowledger.ack(message);
        }
        permits.release();
        if (message.orderingKey() != null) next(message.orderingKey(), outcome instanceof Outcome.Retry);
    }

    private void next(String key, boolean failed) {
        InboundMessage next;
        List<InboundMessage> released = List.of();
        synchronized (lanes) {
            ArrayDeque<InboundMessage> lane = lanes.get(key);
            if (failed && lane != null && !lane.isEmpty()) {
                released = new ArrayList<>(lane);
                lane.clear();
            }
            next = lane == null ? null : lane.poll();
            if (next == null) lanes.remove(key);
        }
        released.forEach(this::release);
        if (next != null) {
            InboundMessage m = next;
            handlers.execute(() -> run(m));
        }
    }

    private void release(InboundMessage message) {
        nack(message, Duration.ZERO);
        permits.release();
    }

    private void nack(InboundMessage message, Duration delay) {
        Capabilities caps = driver.capabilities();
        Duration d = delay;
        if (d.compareTo(caps.maxNackDelay()) > 0) {
            log.info("retry delay {}s for message {} clamped to {}s, the longest {} allows", d.toSeconds(),
                    message.messageId(), caps.maxNackDelay().toSeconds(), caps.broker());
            d = caps.maxNackDelay();
        }
        try {
            driver.nack(message, d);
        } catch (RuntimeException e) {
            log.warn("nack of message {} on {} failed ({}); it will be redelivered when its lease ends",
                    message.messageId(), driver.uri(), e.toString());
        }
    }
}
