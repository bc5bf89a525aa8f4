package dev.sluice.worker;

import dev.sluice.Redaction;
import dev.sluice.ErrorCode;
import dev.sluice.internal.BrokerRetry;
import dev.sluice.observe.SluiceEvent;
import dev.sluice.observe.SluiceListener;
import dev.sluice.spi.AckFailure;
import dev.sluice.spi.InboundMessage;
import dev.sluice.spi.QueueDriver;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Acknowledges in batches across handlers: one thread takes what has gathered (up to the broker's batch
 * size) and acks it in one call (the messages whose dead letters were sent in a call of their own, through
 * {@link QueueDriver#ackDeadLettered}). Retryable failures are tried again by the one {@link BrokerRetry} loop,
 * spaced out on the scheduler; a message whose ack finally fails is logged and will be redelivered
 * (at-least-once), and reported to the listener. {@link #close()} flushes everything queued.
 */
final class Acknowledger {
    private static final Logger log = LoggerFactory.getLogger(Acknowledger.class);
    /** How long a partial batch waits for more acks: fewer, fuller DeleteMessageBatch calls for a few ms of delay. */
    static final long LINGER_NANOS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(10);
    private static final Pending STOP = new Pending(
            new InboundMessage("stop", new byte[0], java.util.Map.of(), null, OptionalInt.empty(), null, "stop", null), false);

    /** A message to acknowledge, and whether its dead letter was sent. */
    private record Pending(InboundMessage message, boolean deadLettered) {
    }

    private final QueueDriver driver;
    private final BrokerRetry retry;
    private final SluiceListener listener;
    private final int maxBatch;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread thread;

    Acknowledger(QueueDriver driver, String name, BrokerRetry retry, SluiceListener listener) {
        this.driver = driver;
        this.retry = retry;
        this.listener = listener;
        this.maxBatch = driver.capabilities().maxBatchSize();
        this.thread = new Thread(this::run, "sluice-ack-" + name);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    void ack(InboundMessage message) {
        queue.add(new Pending(message, false));
    }

    /** Acknowledges a message whose dead letter was sent. */
    void deadLettered(InboundMessage message) {
        queue.add(new Pending(message, true));
    }

    /** Acks what is queued, then stops. */
    void close() throws InterruptedException {
        queue.add(STOP);
        thread.join();
    }

    private void run() {
        boolean stopping = false;
        while (!stopping) {
            List<Pending> batch = new ArrayList<>(maxBatch);
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            queue.drainTo(batch, maxBatch - 1);
            long deadline = System.nanoTime() + LINGER_NANOS;
            while (batch.size() < maxBatch && !batch.contains(STOP)) {
                long left = deadline - System.nanoTime();
                Pending next;
                try {
                    next = left <= 0 ? null : queue.poll(left, java.util.concurrent.TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
                if (next == null) break;
                batch.add(next);
                queue.drainTo(batch, maxBatch - batch.size());
            }
            stopping = batch.remove(STOP);
            if (stopping) queue.drainTo(batch);
            for (boolean deadLettered : new boolean[] {false, true}) {
                List<InboundMessage> same = batch.stream().filter(p -> p.deadLettered() == deadLettered)
                        .map(Pending::message).toList();
                for (int from = 0; from < same.size(); from += maxBatch) {
                    ackWithRetries(same.subList(from, Math.min(same.size(), from + maxBatch)), deadLettered);
                }
            }
        }
    }

    private void ackWithRetries(List<InboundMessage> batch, boolean deadLettered) {
        java.time.Instant started = retry.scheduler().now();
        try {
            List<AckFailure> failures = retry.ack(driver, batch, deadLettered);
            java.time.Instant now = retry.scheduler().now();
            if (failures.size() < batch.size()) {
                listener.onEvent(new SluiceEvent.BrokerCallCompleted(driver.uri(), now, SluiceEvent.Operation.ACK,
                        batch.size() - failures.size(), java.time.Duration.between(started, now)));
            }
            for (AckFailure f : failures) {
                log.warn("ack of message {} on {} failed ({}: {}); it will be redelivered", f.message().messageId(),
                        Redaction.uri(driver.uri()), f.error().code(), f.error().message());
            }
            failures.stream().collect(java.util.stream.Collectors.groupingBy(f -> f.error().code()))
                    .forEach((code, same) -> failed(code, same.size(), same.get(0).error().message()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.warn("acks of {} messages on {} abandoned on interrupt; they will be redelivered", batch.size(), Redaction.uri(driver.uri()));
            failed(ErrorCode.UNAVAILABLE, batch.size(), "abandoned on interrupt");
        }
    }

    private void failed(ErrorCode code, int messages, String message) {
        listener.onEvent(new SluiceEvent.BrokerCallFailed(driver.uri(), retry.scheduler().now(), SluiceEvent.Operation.ACK,
                code, messages, message));
    }
}
