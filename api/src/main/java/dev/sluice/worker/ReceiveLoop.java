package dev.sluice.worker;

import dev.sluice.ErrorCode;
import dev.sluice.Redaction;
import dev.sluice.SluiceException;
import dev.sluice.internal.BrokerRetry;
import dev.sluice.observe.SluiceEvent;
import dev.sluice.observe.SluiceListener;
import dev.sluice.spi.InboundMessage;
import dev.sluice.spi.QueueDriver;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One receiving thread: waits for a free handler slot, then up to {@link #FILL_WAIT_NANOS} for enough slots
 * to fill a batch (fewer, fuller broker calls when handlers are busy), asks the broker for as many messages
 * as there are free slots, and hands them to the {@link Dispatcher}. Never receives more than the worker
 * can start. A failed receive, whatever it throws ({@link Error}s included), backs off exponentially
 * through the one {@link BrokerRetry} loop and tries again: the loop ends only when the worker stops. Its
 * state is visible in {@link Worker#health()}, and each failed receive is reported to the listener.
 */
final class ReceiveLoop implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(ReceiveLoop.class);
    static final Duration LONG_POLL = Duration.ofSeconds(20);
    /** The shortest receive wait, however short the lease. */
    static final Duration MIN_POLL = Duration.ofSeconds(1);
    /** How long a receive waits for more free handler slots, to ask for a fuller batch (one broker call either way). */
    static final long FILL_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final QueueDriver driver;
    private final Semaphore permits;
    private final Dispatcher dispatcher;
    private final CountDownLatch stopped;
    private final int maxBatch;
    private final int fullBatch;
    private final BrokerRetry retry;
    private final SluiceListener listener;
    private final Duration receiveWait;
    private volatile int consecutiveFailures;
    private volatile String lastFailure;
    private volatile boolean running;

    ReceiveLoop(QueueDriver driver, Semaphore permits, Dispatcher dispatcher, CountDownLatch stopped, int fullBatch,
                Duration lease, BrokerRetry retry, SluiceListener listener) {
        this.driver = driver;
        this.receiveWait = receiveWait(lease);
        this.retry = retry;
        this.listener = listener;
        this.permits = permits;
        this.dispatcher = dispatcher;
        this.stopped = stopped;
        this.maxBatch = driver.capabilities().maxBatchSize();
        this.fullBatch = Math.max(1, Math.min(maxBatch, fullBatch));
    }

    @Override
    public void run() {
        running = true;
        try {
            loop();
        } finally {
            running = false;
        }
    }

    private void loop() {
        while (stopped.getCount() > 0) {
            int slots = 0;
            try {
                permits.acquire();
                slots = 1;
                while (slots < maxBatch && permits.tryAcquire()) slots++;
                long deadline = System.nanoTime() + FILL_WAIT_NANOS;
                while (slots < fullBatch) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0 || !permits.tryAcquire(left, TimeUnit.NANOSECONDS)) break;
                    slots++;
                }
            } catch (InterruptedException e) {
                permits.release(slots); // interrupted while filling a batch: give back what was taken
                return;
            }
            List<InboundMessage> received;
            java.time.Instant started = retry.scheduler().now();
            try {
                received = driver.receive(slots, receiveWait);
                consecutiveFailures = 0;
                java.time.Instant now = retry.scheduler().now();
                listener.onEvent(new SluiceEvent.BrokerCallCompleted(driver.uri(), now, SluiceEvent.Operation.RECEIVE,
                        received.size(), java.time.Duration.between(started, now)));
            } catch (InterruptedException e) {
                permits.release(slots);
                return;
            } catch (Throwable e) {
                permits.release(slots);
                int failures = ++consecutiveFailures;
                lastFailure = e.toString();
                ErrorCode code = e instanceof SluiceException s ? s.code() : ErrorCode.UNKNOWN;
                listener.onEvent(new SluiceEvent.BrokerCallFailed(driver.uri(), retry.scheduler().now(),
                        SluiceEvent.Operation.RECEIVE, code, 0, String.valueOf(e.getMessage())));
                log.warn("receive from {} failed ({}); trying again in {} ms", Redaction.uri(driver.uri()), e,
                        retry.delay(code, failures).toMillis());
                try {
                    retry.pause(code, failures);
                } catch (InterruptedException stop) {
                    return;
                }
                continue;
            }
            permits.release(slots - received.size());
            if (!received.isEmpty()) dispatcher.dispatch(received);
        }
    }

    /**
     * How long one receive waits for messages: the long poll (20 s, SQS's longest), but at most half the lease (at
     * least {@link #MIN_POLL}). A receive left open by a worker that died takes a message published meanwhile and
     * holds it for a lease (the next delivery is attempt 2, and repeated deaths could reach the broker's own
     * dead-lettering); a wait well under the lease bounds how long such a poll stays open.
     */
    static Duration receiveWait(Duration lease) {
        Duration half = lease.dividedBy(2);
        if (half.compareTo(MIN_POLL) < 0) return MIN_POLL;
        return half.compareTo(LONG_POLL) < 0 ? half : LONG_POLL;
    }

    /** This loop's state, for {@link Worker#health()}. */
    Worker.ReceiverHealth health() {
        return new Worker.ReceiverHealth(running, consecutiveFailures, lastFailure);
    }
}
