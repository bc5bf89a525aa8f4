package dev.sluice.runtime.hosts;

import dev.sluice.DeadLetterReason;
import dev.sluice.QueueSpec;
import dev.sluice.testkit.VirtualClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One host as the {@link HostContract} drives it: a queue configured as a case asks, messages put on it, each
 * delivered to the host the way that host receives it (a poller's receive, a Lambda invocation with the SQS
 * event Lambda sends, a Pub/Sub push request), and what became of it as the broker or the caller saw it.
 */
public interface Host extends AutoCloseable {

    /** For messages, reasons and skips: "poller", "Lambda", "Cloud Run". */
    String name();

    /** Starts the host on a new queue configured by {@code setup}; starting again replaces the previous one. */
    void start(QueueSetup setup) throws Exception;

    /** The spec the host runs the queue with. */
    QueueSpec spec();

    /** A queue URI on this host's broker (for a follow-up destination). */
    String queueUri(String name);

    /** Puts messages on the queue in one call (Cloud Run: keeps them to push). */
    List<Sent> send(List<Msg> messages) throws Exception;

    default Sent send(Msg message) throws Exception {
        return send(List.of(message)).get(0);
    }

    /** Puts a message on the queue that is not a valid CloudEvent ({@code ce-specversion} without {@code ce-id}). */
    Sent sendUndecodable(String id) throws Exception;

    /** Delivers the message (again) and returns what became of it. */
    Result deliver(Sent m) throws Exception;

    /** {@link #deliver} on another thread, for a handler that blocks. */
    CompletableFuture<Result> deliverAsync(Sent m);

    /**
     * Delivers messages together, in order (one Lambda invocation; one poller receive when they were sent before
     * the poller started); results in the same order. Cloud Run: one push request each.
     */
    List<Result> deliverBatch(List<Sent> batch) throws Exception;

    /**
     * Shows, through the broker, that a message just retried with {@code delay} is not delivered before it and is
     * delivered again after it. Cloud Run has no broker state to show: its {@code Retry-After} is the answer.
     */
    void assertRedeliveredAfter(Sent m, Duration delay) throws Exception;

    /** Shows, through the broker, that the message was not acked (Cloud Run: its 503 leaves it with Pub/Sub). */
    void assertStillQueued(Sent m) throws Exception;

    /** What the dead-letter queue holds (left in it). */
    List<DeadLetterView> deadLetters() throws Exception;

    /** Whether the host can extend a message's lease. */
    default boolean canExtendLease() {
        return true;
    }

    /** Cases that need a FIFO batch call this first; a host that cannot deliver one aborts, naming why. */
    default void assumeFifoBatches() {
    }

    VirtualClock clock();

    /** What the host's Sluice reported to its listener, in order. */
    List<dev.sluice.observe.SluiceEvent> events();

    Journal journal();

    BrokerLog log();

    @Override
    void close();

    /**
     * What a case asks of the queue.
     *
     * @param maxAttempts deliveries before a message is dead-lettered
     * @param retryDelay  the fixed retry delay; zero for immediate retries
     * @param lease       the lease (visibility timeout); long by default, so a message comes back early only because
     *                    the host asked for it
     * @param ordering    a FIFO queue
     * @param refusingDlq a dead-letter queue that refuses every send
     * @param encrypted   events published to the queue are encrypted ({@code SLUICE_QUEUE_<NAME>_ENCRYPTED}, with
     *                    {@code SLUICE_KEYRING})
     */
    record QueueSetup(int maxAttempts, Duration retryDelay, Duration lease, boolean ordering, boolean refusingDlq,
                      boolean encrypted) {
        static final Duration DELAY = Duration.ofSeconds(7);

        /** 3 attempts, fixed 7 s retries, a 10 minute lease. */
        static QueueSetup defaults() {
            return new QueueSetup(3, DELAY, Duration.ofMinutes(10), false, false, false);
        }

        QueueSetup maxAttempts(int v) { return new QueueSetup(v, retryDelay, lease, ordering, refusingDlq, encrypted); }
        QueueSetup retryDelay(Duration v) { return new QueueSetup(maxAttempts, v, lease, ordering, refusingDlq, encrypted); }
        QueueSetup lease(Duration v) { return new QueueSetup(maxAttempts, retryDelay, v, ordering, refusingDlq, encrypted); }
        QueueSetup ordered() { return new QueueSetup(maxAttempts, retryDelay, lease, true, refusingDlq, encrypted); }
        QueueSetup withRefusingDlq() { return new QueueSetup(maxAttempts, retryDelay, lease, ordering, true, encrypted); }
        QueueSetup withEncryption() { return new QueueSetup(maxAttempts, retryDelay, lease, ordering, refusingDlq, true); }
    }

    /** A message to send: an event of {@code type} with {@code job} as its data, and an ordering key or null. */
    record Msg(String id, String type, ContractModule.Job job, String orderingKey) {
        static Msg job(String id, String act) {
            return new Msg(id, ContractModule.JOB, ContractModule.Job.of(act), null);
        }

        Msg key(String key) {
            return new Msg(id, type, job, key);
        }
    }

    /** A message on the queue: the broker's id and the event's id (null when it is not a CloudEvent). */
    record Sent(String messageId, String eventId) {
    }

    /** A dead letter as the DLQ holds it. */
    record DeadLetterView(String eventId, DeadLetterReason reason, String dataContentType) {
    }

    /** What became of one delivery; {@code seq} places it on the {@link BrokerLog}'s sequence. */
    sealed interface Result {
        long seq();

        /** Handled and removed. */
        record Acked(long seq) implements Result { }

        /** To come again after {@code delay} (null where the host did not say). */
        record Retried(long seq, Duration delay) implements Result { }

        /** Sent to the dead-letter queue with {@code reason}, then removed. */
        record DeadLettered(long seq, DeadLetterReason reason) implements Result { }

        /** Refused before any handler saw it (Cloud Run: a 4xx). */
        record Refused(long seq, int status, String body) implements Result { }
    }

    /** Thrown by a delivery that waited for a message the broker moved to the DLQ by itself (redrive policy). */
    final class MovedByBroker extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MovedByBroker(String message) {
            super(message);
        }
    }
}
