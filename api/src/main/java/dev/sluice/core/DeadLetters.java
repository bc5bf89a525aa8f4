package dev.sluice.core;

import dev.sluice.DeadLetter;
import dev.sluice.DeadLetterFilter;
import dev.sluice.DeadLetterReason;
import dev.sluice.QueueSpec;
import dev.sluice.Redaction;
import dev.sluice.codec.CloudEventCodec;
import dev.sluice.codec.DecodeException;
import dev.sluice.internal.BrokerRetry;
import dev.sluice.spi.AckFailure;
import dev.sluice.spi.InboundMessage;
import dev.sluice.spi.OutboundMessage;
import dev.sluice.spi.QueueDriver;
import dev.sluice.spi.SendResult;
import io.cloudevents.CloudEvent;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dead letters of one queue, as portable operations every driver supports: browse them with their reasons, a
 * page at a time; count, redrive (back to the source queue) or purge those a filter picks, with progress and a
 * safe way to stop. Obtain with {@link Sluice#deadLetters(URI)} (the queue's URI is enough) or
 * {@link Sluice#deadLetters(QueueSpec)}. The DLQ's depth comes from {@link Sluice#stats(QueueSpec)}.
 *
 * <p><b>What an operation costs.</b> Every operation reads the DLQ by receiving with a lease (batches of the
 * driver's {@code maxBatchSize}; one more receive, waiting up to a second, finds the end), so a dead letter being
 * read is invisible to other readers until the operation returns. Each dead letter is read once per operation:
 * those not moved or deleted stay leased (the operation keeps their receipt handles and ids, never their bodies)
 * and are released at the end, one release call each. Bodies are held only for the batch in hand and, for
 * {@link #browse}, the page returned. An operation that takes longer than the DLQ's lease (SQS: its visibility
 * timeout) sees letters whose lease ended come back; they are not read twice, and the operation ends at the first
 * receive that brings nothing new. With a filter on message ids, it ends as soon as all were read.
 *
 * <p>Pages are as stable as the broker's receive order: on {@code mem://} and FIFO queues a page is the same on
 * each call while nothing changes; on brokers that receive in no fixed order (SQS standard, Pub/Sub) a dead letter
 * may show on two pages or on none. A redrive or purge reads everything once, so it misses nothing.
 */
public final class DeadLetters {
    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);
    private static final Duration WAIT = Duration.ofSeconds(1);
    private static final byte[] NO_BODY = new byte[0];

    private final URI sourceUri;
    private final QueueDriver source;
    private final QueueDriver deadLetterQueue;
    private final CloudEventCodec codec;
    private final BrokerRetry retry;

    DeadLetters(QueueDriver source, QueueDriver deadLetterQueue, BrokerRetry retry) {
        this.retry = retry;
        this.sourceUri = source.uri();
        this.source = source;
        this.deadLetterQueue = deadLetterQueue;
        this.codec = new CloudEventCodec(deadLetterQueue.capabilities());
    }

    /** The dead-letter queue. */
    public URI uri() {
        return deadLetterQueue.uri();
    }

    /** The queue whose dead letters these are: where a redrive sends them. */
    public URI sourceUri() {
        return sourceUri;
    }

    /**
     * Up to {@code max} dead letters, left in the queue: {@code browse(DeadLetterFilter.all(), 0, max).letters()}.
     * On an ordered dead-letter queue (an SQS FIFO DLQ into which the broker moved several messages of one group),
     * a held message hides the later ones of its key; those are given back and read again until no new dead letter
     * turns up.
     */
    public List<DeadLetter> peek(int max) throws InterruptedException {
        return browse(DeadLetterFilter.all(), 0, max).letters();
    }

    /** Up to {@code max} of the dead letters {@code filter} accepts, left in the queue. */
    public List<DeadLetter> peek(Predicate<DeadLetter> filter, int max) throws InterruptedException {
        return browse(filter, 0, max).letters();
    }

    /**
     * One page of the dead letters {@code filter} accepts: skips the first {@code skip}, returns the next
     * {@code max} (bodies included), and reads one more to tell whether there is a next page. Leaves them all in
     * the queue. Cost: every dead letter up to the end of the page is received and leased until this returns
     * (about {@code (skip + max + 1) / maxBatchSize} receives when all match), then released; only the page's
     * bodies are kept.
     *
     * @throws IllegalArgumentException when {@code skip} is negative or {@code max} is not positive
     */
    public Page browse(Predicate<DeadLetter> filter, int skip, int max) throws InterruptedException {
        if (skip < 0) throw new IllegalArgumentException("skip is " + skip + "; it must be 0 or more");
        if (max < 1) throw new IllegalArgumentException("max is " + max + "; it must be 1 or more");
        List<DeadLetter> page = new ArrayList<>();
        int matched = 0;
        boolean more = false;
        try (Reader reader = new Reader(filter)) {
            read:
            while (true) {
                long room = (long) skip + max + 1 - matched;
                List<InboundMessage> got = reader.next((int) Math.min(room, batchSize()));
                if (got.isEmpty()) break;
                for (InboundMessage m : got) {
                    reader.hold(m);
                    DeadLetter d = toDeadLetter(m);
                    if (!filter.test(d)) continue;
                    matched++;
                    if (matched > (long) skip + max) {
                        more = true;
                        break read;
                    }
                    if (matched > skip) page.add(d);
                }
            }
        }
        return new Page(List.copyOf(page), skip, more);
    }

    /**
     * Hands each dead letter {@code filter} accepts to {@code visitor}, once, until the visitor returns false or
     * the DLQ has no more; leaves them all in the queue. Holds no body beyond the batch in hand, so it suits a
     * dump of any size. Returns how many the visitor was given.
     */
    public long scan(Predicate<DeadLetter> filter, Predicate<DeadLetter> visitor) throws InterruptedException {
        long visited = 0;
        try (Reader reader = new Reader(filter)) {
            while (true) {
                List<InboundMessage> got = reader.next(batchSize());
                if (got.isEmpty()) return visited;
                for (InboundMessage m : got) {
                    reader.hold(m);
                    DeadLetter d = toDeadLetter(m);
                    if (!filter.test(d)) continue;
                    visited++;
                    if (!visitor.test(d)) return visited;
                }
            }
        }
    }

    /** How many dead letters {@code filter} accepts (what a redrive or purge with it would take): a dry run. */
    public long count(Predicate<DeadLetter> filter) throws InterruptedException {
        return scan(filter, d -> true);
    }

    /** Moves every dead letter back to the source queue. */
    public RedriveResult redriveAll() throws InterruptedException {
        return redrive(DeadLetterFilter.all());
    }

    /**
     * Moves the dead letters {@code filter} accepts back to the source queue, as they were first sent (the
     * reason attribute removed), and leaves the rest. Each moved message is deleted from the DLQ only after
     * the source queue took it.
     */
    public RedriveResult redrive(Predicate<DeadLetter> filter) throws InterruptedException {
        return redrive(filter, p -> { }, () -> false);
    }

    /**
     * As {@link #redrive(Predicate)}, reporting {@link Progress} after each batch and checking {@code cancelled}
     * (and the thread's interrupt status) before each: a cancelled redrive finishes the batch in hand (sent to the
     * source queue, then deleted from the DLQ) and stops, so no dead letter is in both queues or in neither; the
     * result says what moved and that it was cancelled (an interrupt is left set). The DLQ deletes of a batch run
     * to the end even when interrupted. Prefer {@code cancelled} to an interrupt all the same: on some drivers an
     * interrupt that lands during the send to the source queue fails that call; the batch then stays in the DLQ,
     * and if the broker had already taken it, it is in both queues, which the redrive cannot know.
     */
    public RedriveResult redrive(Predicate<DeadLetter> filter, Consumer<Progress> progress, BooleanSupplier cancelled)
            throws InterruptedException {
        long seen = 0;
        long moved = 0;
        long kept = 0;
        long notDeleted = 0;
        boolean stopped = false;
        try (Reader reader = new Reader(filter)) {
            while (true) {
                if (cancelled.getAsBoolean() || Thread.currentThread().isInterrupted()) {
                    stopped = true;
                    break;
                }
                List<InboundMessage> got;
                try {
                    got = reader.next(batchSize());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    stopped = true;
                    break;
                }
                if (got.isEmpty()) break;
                List<InboundMessage> chosen = choose(got, filter, reader);
                kept += got.size() - chosen.size();
                seen += got.size();
                Moved result = move(chosen, reader);
                moved += result.moved();
                notDeleted += result.notDeleted();
                kept += result.refused();
                progress.accept(new Progress(seen, moved, kept));
            }
        }
        return new RedriveResult(Math.toIntExact(moved), Math.toIntExact(kept), Math.toIntExact(notDeleted), stopped);
    }

    /** Deletes every dead letter {@code filter} accepts; returns how many were deleted. */
    public long purge(Predicate<DeadLetter> filter) throws InterruptedException {
        return purge(filter, p -> { }, () -> false);
    }

    /**
     * As {@link #purge(Predicate)}, reporting {@link Progress} ({@code done}: deleted) after each batch and checking
     * {@code cancelled} (and the thread's interrupt status) before each; a cancelled purge finishes the batch in
     * hand. Deletes go through the broker-call retry; a delete that fails for good (its lease ended) is logged and
     * the dead letter stays.
     */
    public long purge(Predicate<DeadLetter> filter, Consumer<Progress> progress, BooleanSupplier cancelled)
            throws InterruptedException {
        long seen = 0;
        long deleted = 0;
        long kept = 0;
        try (Reader reader = new Reader(filter)) {
            while (!cancelled.getAsBoolean() && !Thread.currentThread().isInterrupted()) {
                List<InboundMessage> got = reader.next(batchSize());
                if (got.isEmpty()) break;
                List<InboundMessage> chosen = choose(got, filter, reader);
                kept += got.size() - chosen.size();
                seen += got.size();
                List<AckFailure> failures = chosen.isEmpty() ? List.of() : retry.ack(deadLetterQueue, chosen);
                for (AckFailure f : failures) {
                    log.warn("dead letter {} could not be deleted from {} ({}: {}); it stays", f.message().messageId(),
                            Redaction.uri(deadLetterQueue.uri()), f.error().code(), f.error().message());
                }
                deleted += chosen.size() - failures.size();
                kept += failures.size();
                progress.accept(new Progress(seen, deleted, kept));
            }
        }
        return deleted;
    }

    /** The messages of {@code got} that {@code filter} accepts; the others are held by {@code reader}, to be released. */
    private List<InboundMessage> choose(List<InboundMessage> got, Predicate<DeadLetter> filter, Reader reader) {
        List<InboundMessage> chosen = new ArrayList<>();
        for (InboundMessage m : got) {
            if (filter.test(toDeadLetter(m))) {
                chosen.add(m);
            } else {
                reader.hold(m);
            }
        }
        return chosen;
    }

    private int batchSize() {
        return deadLetterQueue.capabilities().maxBatchSize();
    }

    private void release(InboundMessage m) {
        try {
            deadLetterQueue.nack(m, Duration.ZERO);
        } catch (RuntimeException e) {
            log.warn("dead letter {} on {} could not be released ({}); it is visible again when its lease ends",
                    m.messageId(), Redaction.uri(deadLetterQueue.uri()), e.toString());
        }
    }

    /**
     * Reads the DLQ once through: hands out each dead letter the first time it is received, keeps the receipt
     * handles (never the bodies) of those held, and releases them on close.
     */
    private final class Reader implements AutoCloseable {
        private final Map<String, InboundMessage> held = new LinkedHashMap<>();
        private final Set<String> seen = new HashSet<>();
        private final Set<String> wanted;
        private boolean foundSinceRelease = true;

        Reader(Predicate<DeadLetter> filter) {
            wanted = filter instanceof DeadLetterFilter f ? f.messageIds() : Set.of();
        }

        /** Up to {@code n} dead letters not handed out before; empty at the end. */
        List<InboundMessage> next(int n) throws InterruptedException {
            while (true) {
                if (!wanted.isEmpty() && seen.containsAll(wanted)) return List.of();
                List<InboundMessage> fresh = new ArrayList<>();
                for (InboundMessage m : deadLetterQueue.receive(n, WAIT)) {
                    if (seen.add(m.messageId())) fresh.add(m);
                    else hold(m);
                }
                if (!fresh.isEmpty()) {
                    foundSinceRelease = true;
                    return fresh;
                }
                List<InboundMessage> keyed = held.values().stream().filter(m -> m.orderingKey() != null).toList();
                if (keyed.isEmpty() || !foundSinceRelease) return List.of();
                for (InboundMessage m : keyed) release(held.remove(m.messageId()));
                foundSinceRelease = false;
            }
        }

        /** Keeps {@code m} leased until the end, by its handle alone. */
        void hold(InboundMessage m) {
            held.put(m.messageId(), new InboundMessage(m.messageId(), NO_BODY, Map.of(), m.orderingKey(), m.attempt(),
                    m.publishTime(), m.ackHandle(), null));
        }

        /** Releases what is held; with the interrupt status cleared meanwhile, so an interrupt does not fail the calls. */
        @Override
        public void close() {
            boolean interrupted = Thread.interrupted();
            try {
                held.values().forEach(DeadLetters.this::release);
                held.clear();
            } finally {
                if (interrupted) Thread.currentThread().interrupt();
            }
        }
    }

    /** Sends back, then deletes; what the source queue refused is held by {@code reader}. */
    private Moved move(List<InboundMessage> chosen, Reader reader) {
        if (chosen.isEmpty()) return new Moved(0, 0, 0);
        List<OutboundMessage> out = new ArrayList<>();
        for (InboundMessage m : chosen) {
            Map<String, String> attributes = new HashMap<>(m.attributes());
            String reason = attributes.remove(CloudEventCodec.DEAD_LETTER_ATTRIBUTE);
            String key = reason == null ? m.orderingKey()
                    : DeadLetterReason.fromAttribute(reason).map(DeadLetterReason::orderingKey).orElse(null);
            out.add(new OutboundMessage(m.messageId(), m.body(), attributes,
                    source.capabilities().ordering() ? key : null,
                    source.capabilities().deduplication() ? "redrive-" + m.messageId() : null, Duration.ZERO));
        }
        List<SendResult> results;
        try {
            results = source.send(out);
        } catch (RuntimeException e) {
            chosen.forEach(reader::hold);
            throw e;
        }
        List<InboundMessage> delete = new ArrayList<>();
        int refused = 0;
        for (int i = 0; i < chosen.size(); i++) {
            if (i < results.size() && results.get(i).succeeded()) {
                delete.add(chosen.get(i));
            } else {
                reader.hold(chosen.get(i));
                refused++;
            }
        }
        int notDeleted = delete.isEmpty() ? 0 : deleteWithRetries(delete);
        return new Moved(delete.size() - notDeleted, notDeleted, refused);
    }

    private record Moved(int moved, int notDeleted, int refused) {
    }

    /**
     * Deletes from the DLQ through the one retry loop, to the end even when interrupted (the source queue has
     * them already); returns how many could not be deleted.
     */
    private int deleteWithRetries(List<InboundMessage> delete) {
        List<AckFailure> failures = retry.ackToTheEnd(deadLetterQueue, delete);
        for (AckFailure f : failures) {
            log.warn("dead letter {} was sent back to {} but could not be deleted from {} ({}: {}); a later redrive"
                    + " sends it again", f.message().messageId(), Redaction.uri(sourceUri), Redaction.uri(deadLetterQueue.uri()), f.error().code(),
                    f.error().message());
        }
        return failures.size();
    }

    private DeadLetter toDeadLetter(InboundMessage m) {
        CloudEvent event = null;
        String error = null;
        try {
            event = codec.decode(m, sourceUri);
        } catch (DecodeException e) {
            error = e.getMessage();
        }
        return new DeadLetter(m.messageId(), event,
                DeadLetterReason.fromAttribute(m.attributes().get(CloudEventCodec.DEAD_LETTER_ATTRIBUTE)),
                m.attributes(), m.body(), error);
    }

    /**
     * One page of a {@link #browse}.
     *
     * @param letters the dead letters of the page, in the order received
     * @param skipped how many matching dead letters came before the page (the {@code skip} asked for)
     * @param more    whether at least one more matching dead letter follows the page
     */
    public record Page(List<DeadLetter> letters, int skipped, boolean more) {
    }

    /**
     * How far a redrive or purge has got, after each batch.
     *
     * @param seen dead letters read so far
     * @param done of those, moved to the source queue (redrive) or deleted (purge)
     * @param kept of those, left in the DLQ (not chosen, refused by the source queue, or not deleted)
     */
    public record Progress(long seen, long done, long kept) {
    }

    /**
     * What a redrive did.
     *
     * @param moved      dead letters sent back to the source queue and deleted from the DLQ
     * @param kept       dead letters left in the DLQ (not chosen, or not taken by the source queue)
     * @param notDeleted dead letters sent back to the source queue that could not be deleted from the DLQ: they
     *                   are in both queues, and a later redrive sends them again
     * @param cancelled  whether the redrive stopped on request before reading every dead letter
     */
    public record RedriveResult(int moved, int kept, int notDeleted, boolean cancelled) {
    }
}
