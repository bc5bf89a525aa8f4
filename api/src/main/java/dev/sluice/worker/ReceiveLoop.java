package dev.sluice.worker;

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
 * can start. Receive errors back off exponentially, waiting on the stop signal, not sleeping.
 */
final class ReceiveLoop implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(ReceiveLoop.class);
    static final Duration LONG_POLL = Duration.ofSeconds(20);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);
    /** How long a receive waits for more free handler slots, to ask for a fuller batch (one broker call either way). */
    static final long FILL_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final QueueDriver driver;
    private final Semaphore permits;
    private final Dispatcher dispatcher;
    private final CountDownLatch stopped;
    private final int maxBatch;
    private final int fullBatch;

    ReceiveLoop(QueueDriver driver, Semaphore permits, Dispatcher dispatcher, CountDownLatch stopped, int fullBatch) {
        this.driver = driver;
        this.permits = permits;
        this.dispatcher = dispatcher;
        this.stopped = stopped;
        this.maxBatch = driver.capabilities().maxBatchSize();
        this.fullBatch = Math.max(1, Math.min(maxBatch, fullBatch));
    }

    @Override
    public void run() {
        Duration backoff = FIRST_BACKOFF;
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
            try {
                received = driver.receive(slots, LONG_POLL);
                backoff = FIRST_BACKOFF;
            } catch (InterruptedException e) {
                permits.release(slots);
                return;
            } catch (RuntimeException e) {
                permits.release(slots);
                log.warn("receive from {} failed ({}); trying again in {} ms", driver.uri(), e.toString(), backoff.toMillis());
                if (await(backoff)) return;
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
                continue;
            }
            permits.release(slots - received.size());
            if (!received.isEmpty()) dispatcher.dispatch(received);
        }
    }

    /** Waits for {@code d} or until the worker stops; true when stopping. */
    private boolean await(Duration d) {
        try {
            return stopped.await(d.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            return true;
        }
    }
}
