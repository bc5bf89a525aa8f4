package dev.sluice.worker;

import dev.sluice.Outcome;
import dev.sluice.pipeline.DriverSettlement;
import dev.sluice.pipeline.Pipeline;
import dev.sluice.spi.InboundMessage;
import dev.sluice.spi.QueueDriver;
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
 * Runs received messages on the handler threads through the {@link Pipeline}, which decides and settles each
 * one through a {@link DriverSettlement} (ack through the {@link Acknowledger}, retry and lease through the
 * driver). Messages with an ordering key run one at a time per key, in the order received; when one of them
 * is to be retried, the later ones of its key that were received but not started are given back at once
 * ({@link Pipeline#release}), so the broker redelivers them after it, in order.
 */
final class Dispatcher {
    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

    private final QueueDriver driver;
    private final Pipeline pipeline;
    private final ExecutorService handlers;
    private final Semaphore permits;
    private final Acknowledger acknowledger;
    private final Map<String, ArrayDeque<InboundMessage>> lanes = new HashMap<>();

    Dispatcher(QueueDriver driver, Pipeline pipeline, ExecutorService handlers, Semaphore permits,
               Acknowledger acknowledger) {
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
        boolean failed = true;
        try {
            failed = pipeline.process(message, settlement(message)) instanceof Outcome.Retry;
        } catch (Throwable escaped) {
            log.error("the pipeline failed on message {} of {}; it will be redelivered when its lease ends",
                    message.messageId(), driver.uri(), escaped);
            throw escaped;
        } finally {
            permits.release();
            if (message.orderingKey() != null) next(message.orderingKey(), failed);
        }
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
        pipeline.release(message, settlement(message));
        permits.release();
    }

    private DriverSettlement settlement(InboundMessage message) {
        return new DriverSettlement(driver, message, () -> acknowledger.ack(message));
    }
}
