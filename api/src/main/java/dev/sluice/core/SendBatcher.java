package dev.sluice.core;

import dev.sluice.ErrorCode;
import dev.sluice.PublishResult;
import dev.sluice.Redaction;
import dev.sluice.SluiceException;
import dev.sluice.internal.BrokerRetry;
import dev.sluice.observe.SluiceEvent;
import dev.sluice.observe.SluiceListener;
import dev.sluice.spi.OutboundMessage;
import dev.sluice.spi.QueueDriver;
import dev.sluice.spi.SendResult;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Turns single sends into batches of the broker's maximum (Go CDK's batcher): messages wait in a queue and
 * up to {@code senders} threads drain it, each sending what has gathered. On a broker that keeps order
 * there is one sender, so messages of one key leave in the order they were published. Retryable failures
 * are sent again by the one {@link BrokerRetry} loop; the driver itself never retries. Sends that fail for
 * good are reported ({@link SluiceEvent.BrokerCallFailed}).
 */
final class SendBatcher {
    private final QueueDriver driver;
    private final BrokerRetry retry;
    private final SluiceListener listener;
    private final Executor executor;
    private final int maxSenders;
    private final int maxBatch;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition idle = lock.newCondition();
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private int activeSenders;
    private boolean closed;

    private record Pending(OutboundMessage message, CompletableFuture<PublishResult> result) {
    }

    SendBatcher(QueueDriver driver, Executor executor, int maxSenders, BrokerRetry retry, SluiceListener listener) {
        this.driver = driver;
        this.retry = retry;
        this.listener = listener;
        this.executor = executor;
        this.maxBatch = driver.capabilities().maxBatchSize();
        this.maxSenders = driver.capabilities().ordering() ? 1 : Math.max(1, maxSenders);
    }

    /** Queues the messages, in order; one future per message. */
    List<CompletableFuture<PublishResult>> submit(List<OutboundMessage> messages) {
        List<CompletableFuture<PublishResult>> futures = new ArrayList<>(messages.size());
        lock.lock();
        try {
            if (closed) throw new IllegalStateException("publisher for " + Redaction.uri(driver.uri()) + " is closed");
            for (OutboundMessage m : messages) {
                CompletableFuture<PublishResult> f = new CompletableFuture<>();
                pending.add(new Pending(m, f));
                futures.add(f);
            }
            int wanted = Math.min(maxSenders, (pending.size() + maxBatch - 1) / maxBatch);
            while (activeSenders < wanted) {
                activeSenders++;
                executor.execute(this::drain);
            }
        } finally {
            lock.unlock();
        }
        return futures;
    }

    /** Stops accepting and waits, up to the publisher's close timeout, for queued messages to be sent. */
    void close() {
        lock.lock();
        try {
            closed = true;
            long nanos = QueuePublisher.CLOSE_TIMEOUT.toNanos();
            while ((activeSenders > 0 || !pending.isEmpty()) && nanos > 0) {
                nanos = idle.awaitNanos(nanos);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    private void drain() {
        while (true) {
            List<Pending> batch = new ArrayList<>(maxBatch);
            lock.lock();
            try {
                while (batch.size() < maxBatch && !pending.isEmpty()) batch.add(pending.poll());
                if (batch.isEmpty()) {
                    activeSenders--;
                    idle.signalAll();
                    return;
                }
            } finally {
                lock.unlock();
            }
            send(batch);
        }
    }

    private void send(List<Pending> batch) {
        List<Pending> remaining = batch;
        for (int tries = 1; !remaining.isEmpty(); tries++) {
            List<Pending> again = new ArrayList<>();
            ErrorCode worst = ErrorCode.UNAVAILABLE;
            java.time.Instant started = now();
            try {
                List<SendResult> results = driver.send(remaining.stream().map(Pending::message).toList());
                long sent = results.stream().filter(SendResult::succeeded).count();
                java.time.Instant done = now();
                if (sent > 0) {
                    listener.onEvent(new SluiceEvent.BrokerCallCompleted(driver.uri(), done, SluiceEvent.Operation.SEND,
                            (int) sent, java.time.Duration.between(started, done)));
                }
                for (int i = 0; i < remaining.size(); i++) {
                    Pending p = remaining.get(i);
                    SendResult r = i < results.size() ? results.get(i) : null;
                    if (r != null && r.succeeded()) {
                        p.result().complete(new PublishResult(p.message().id(), r.messageId()));
                    } else if (r == null || retry.retries(r.error().code(), tries)) {
                        again.add(p);
                        if (r != null && r.error().code() == ErrorCode.THROTTLED) worst = ErrorCode.THROTTLED;
                    } else {
                        failed(r.error().code(), 1, r.error().message());
                        p.result().completeExceptionally(QueuePublisher.failure(p.message(), r.error()));
                    }
                }
            } catch (RuntimeException e) {
                SluiceException wrapped = e instanceof SluiceException s ? s
                        : new SluiceException(ErrorCode.UNKNOWN, "send to " + Redaction.uri(driver.uri()) + " failed: " + e, e);
                if (!retry.retries(wrapped.code(), tries)) {
                    failed(wrapped.code(), remaining.size(), String.valueOf(wrapped.getMessage()));
                    remaining.forEach(p -> p.result().completeExceptionally(wrapped));
                    return;
                }
                again = remaining;
                worst = wrapped.code();
            }
            remaining = again;
            if (!remaining.isEmpty() && !pause(worst, tries, remaining)) return;
        }
    }

    /** Waits before the next try; false (and the sends failed) when interrupted. */
    private boolean pause(ErrorCode code, int tries, List<Pending> waiting) {
        try {
            retry.pause(code, tries);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            SluiceException stopped = new SluiceException(ErrorCode.UNAVAILABLE, "send to " + Redaction.uri(driver.uri())
                    + " interrupted while waiting to try again", e);
            failed(ErrorCode.UNAVAILABLE, waiting.size(), String.valueOf(stopped.getMessage()));
            waiting.forEach(p -> p.result().completeExceptionally(stopped));
            return false;
        }
    }

    /** The scheduler's now, for reports. */
    java.time.Instant now() {
        return retry.scheduler().now();
    }

    private void failed(ErrorCode code, int messages, String message) {
        listener.onEvent(new SluiceEvent.BrokerCallFailed(driver.uri(), now(), SluiceEvent.Operation.SEND, code, messages,
                message));
    }
}
