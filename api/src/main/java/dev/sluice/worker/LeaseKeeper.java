package dev.sluice.worker;

import dev.sluice.Scheduler;
import dev.sluice.spi.InboundMessage;
import dev.sluice.spi.QueueDriver;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the lease of a message whose handler runs long: every half lease it extends the lease by a full
 * one, until the handler ends. Runs on the injected {@link Scheduler}, so a virtual clock drives it too.
 */
final class LeaseKeeper {
    private static final Logger log = LoggerFactory.getLogger(LeaseKeeper.class);

    private final QueueDriver driver;
    private final Scheduler scheduler;
    private final Duration lease;
    private final Duration interval;

    LeaseKeeper(QueueDriver driver, Scheduler scheduler, Duration lease) {
        this.driver = driver;
        this.scheduler = scheduler;
        this.lease = lease;
        this.interval = lease.dividedBy(2);
    }

    /** Starts keeping {@code message}'s lease; close the returned handle when its handler ends. */
    Kept keep(InboundMessage message) {
        Kept kept = new Kept(message);
        kept.scheduleNext();
        return kept;
    }

    /** One message's lease heartbeat. */
    final class Kept implements AutoCloseable {
        private final InboundMessage message;
        private Scheduler.Cancellable next;
        private boolean closed;

        private Kept(InboundMessage message) {
            this.message = message;
        }

        private synchronized void scheduleNext() {
            if (!closed) next = scheduler.schedule(interval, this::extend);
        }

        private void extend() {
            synchronized (this) {
                if (closed) return;
            }
            try {
                driver.extendLease(message, lease);
            } catch (RuntimeException e) {
                log.warn("could not extend the lease of message {} on {}: {}", message.messageId(), driver.uri(), e.toString());
            }
            scheduleNext();
        }

        @Override
        public synchronized void close() {
            closed = true;
            if (next != null) next.cancel();
        }
    }
}
