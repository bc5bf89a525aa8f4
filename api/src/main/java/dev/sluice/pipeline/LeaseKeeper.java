package dev.sluice.pipeline;

import dev.sluice.ErrorCode;
import dev.sluice.Scheduler;
import dev.sluice.SluiceException;
import dev.sluice.observe.SluiceEvent;
import dev.sluice.observe.SluiceListener;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the lease of a message while its handler runs, and bounds how long it may run: every half lease it
 * extends the lease by a full one, until the handler ends or the queue's handler timeout is reached. At the
 * timeout it stops extending (so the broker's lease, never past the timeout by more than one lease, lets the
 * message go to another consumer) and interrupts the handler; the pipeline then routes the attempt as a
 * failure. Runs on the injected {@link Scheduler}, so a virtual clock drives it too. Reports each extension
 * ({@link SluiceEvent.LeaseExtended}) and each failed one ({@link SluiceEvent.BrokerCallFailed}).
 */
final class LeaseKeeper {
    private static final Logger log = LoggerFactory.getLogger(LeaseKeeper.class);

    private final Scheduler scheduler;
    private final Duration lease;
    private final Duration handlerTimeout;
    private final URI queue;
    private final SluiceListener listener;

    LeaseKeeper(Scheduler scheduler, Duration lease, Duration handlerTimeout, URI queue, SluiceListener listener) {
        this.scheduler = scheduler;
        this.lease = lease;
        this.handlerTimeout = handlerTimeout;
        this.queue = queue;
        this.listener = listener;
    }

    /** Starts keeping the lease of the message {@code handler} works on; close the handle when it ends. */
    Kept keep(String messageId, Settlement settlement, Thread handler) {
        Kept kept = new Kept(messageId, settlement, handler, scheduler.now().plus(handlerTimeout));
        kept.start();
        return kept;
    }

    /** One message's lease heartbeat and deadline. */
    final class Kept implements AutoCloseable {
        private final String messageId;
        private final Settlement settlement;
        private final Thread handler;
        private final Instant deadline;
        private Scheduler.Cancellable extension;
        private Scheduler.Cancellable timeout;
        private boolean extending = true;
        private boolean closed;
        private boolean timedOut;

        private Kept(String messageId, Settlement settlement, Thread handler, Instant deadline) {
            this.messageId = messageId;
            this.settlement = settlement;
            this.handler = handler;
            this.deadline = deadline;
        }

        private synchronized void start() {
            timeout = scheduler.schedule(handlerTimeout, this::expire);
            Duration half = lease.dividedBy(2);
            Duration first = settlement.leaseStart()
                    .map(received -> Duration.between(scheduler.now(), received.plus(half)))
                    .map(d -> d.isNegative() ? Duration.ZERO : d).orElse(half);
            scheduleExtension(first);
        }

        /** The next beat after {@code interval}, unless the handler ended, the host cannot extend, or the deadline is near. */
        private synchronized void scheduleExtension(Duration interval) {
            if (!closed && extending && scheduler.now().plus(interval).isBefore(deadline)) {
                extension = scheduler.schedule(interval, this::extend);
            }
        }

        private void extend() {
            synchronized (this) {
                if (closed) return;
            }
            boolean extended;
            try {
                extended = settlement.extendLease(lease);
                if (extended) listener.onEvent(new SluiceEvent.LeaseExtended(queue, scheduler.now(), messageId, lease));
            } catch (RuntimeException e) {
                log.warn("could not extend the lease of message {}: {}", messageId, e.toString());
                listener.onEvent(new SluiceEvent.BrokerCallFailed(queue, scheduler.now(), SluiceEvent.Operation.EXTEND_LEASE,
                        e instanceof SluiceException s ? s.code() : ErrorCode.UNKNOWN, 1, String.valueOf(e.getMessage())));
                extended = true; // a failed call is tried again at the next beat
            }
            synchronized (this) {
                if (!extended) {
                    extending = false;
                    log.debug("the host cannot extend the lease of message {}; its handler has the broker's lease", messageId);
                }
            }
            scheduleExtension(lease.dividedBy(2));
        }

        private synchronized void expire() {
            if (closed) return;
            timedOut = true;
            extending = false;
            if (extension != null) extension.cancel();
            log.warn("handler of message {} still running after the handler timeout ({}s); interrupting it, its lease"
                    + " is no longer extended", messageId, handlerTimeout.toSeconds());
            handler.interrupt(); // under the lock: once closed, the thread may run another message
        }

        /** Whether the handler ran past the handler timeout. */
        synchronized boolean timedOut() {
            return timedOut;
        }

        @Override
        public synchronized void close() {
            closed = true;
            if (extension != null) extension.cancel();
            if (timeout != null) timeout.cancel();
        }
    }
}
