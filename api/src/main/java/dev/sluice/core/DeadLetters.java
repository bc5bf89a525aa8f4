package dev.sluice.core;

import dev.sluice.DeadLetter;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dead letters of one queue, as portable operations every driver supports: peek at them with their
 * reasons, and redrive them (all, or those a filter picks) back to the source queue. Obtain with
 * {@link Sluice#deadLetters(URI)} (the queue's URI is enough) or {@link Sluice#deadLetters(QueueSpec)}.
 *
 * <p>Both operations read the DLQ by receiving with a lease, so a dead letter being looked at is invisible
 * to other readers for that time; what is not moved is released at the end.
 */
public final class DeadLetters {
    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);
    private static final Duration WAIT = Duration.ofSeconds(1);

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

    /**
     * Up to {@code max} dead letters, left in the queue. On an ordered dead-letter queue (an SQS FIFO DLQ
     * into which the broker moved several messages of one group), a held message hides the later ones of
     * its key; those are given back and read again until no new dead letter turns up.
     */
    public List<DeadLetter> peek(int max) throws InterruptedException {
        Map<String, InboundMessage> held = new LinkedHashMap<>();
        Map<String, DeadLetter> seen = new LinkedHashMap<>();
        boolean foundSinceRelease = true;
        try {
            while (seen.size() < max) {
                int n = Math.min(max - seen.size(), deadLetterQueue.capabilities().maxBatchSize());
                List<InboundMessage> got = deadLetterQueue.receive(n, WAIT);
                if (got.isEmpty()) {
                    List<InboundMessage> keyed = held.values().stream().filter(m -> m.orderingKey() != null).toList();
                    if (keyed.isEmpty() || !foundSinceRelease) break;
                    keyed.forEach(m -> release(held.remove(m.messageId())));
                    foundSinceRelease = false;
                    continue;
                }
                for (InboundMessage m : got) {
                    held.put(m.messageId(), m);
                    if (!seen.containsKey(m.messageId())) {
                        seen.put(m.messageId(), toDeadLetter(m));
                        foundSinceRelease = true;
                    }
                }
            }
            return List.copyOf(seen.values());
        } finally {
            held.values().forEach(this::release);
        }
    }

    private void release(InboundMessage m) {
        deadLetterQueue.nack(m, Duration.ZERO);
    }

    /** Moves every dead letter back to the source queue. */
    public RedriveResult redriveAll() throws InterruptedException {
        return redrive(d -> true);
    }

    /**
     * Moves the dead letters {@code filter} accepts back to the source queue, as they were first sent (the
     * reason attribute removed), and leaves the rest. Each moved message is deleted from the DLQ only after
     * the source queue took it.
     */
    public RedriveResult redrive(Predicate<DeadLetter> filter) throws InterruptedException {
        List<InboundMessage> kept = new ArrayList<>();
        int moved = 0;
        int notDeleted = 0;
        try {
            while (true) {
                List<InboundMessage> got = deadLetterQueue.receive(deadLetterQueue.capabilities().maxBatchSize(), WAIT);
                if (got.isEmpty()) break;
                List<InboundMessage> chosen = new ArrayList<>();
                for (InboundMessage m : got) {
                    (filter.test(toDeadLetter(m)) ? chosen : kept).add(m);
                }
                int[] counts = move(chosen, kept);
                moved += counts[0];
                notDeleted += counts[1];
            }
        } finally {
            kept.forEach(m -> deadLetterQueue.nack(m, Duration.ZERO));
        }
        return new RedriveResult(moved, kept.size(), notDeleted);
    }

    /** Sends back, then deletes; returns {moved, sent back but not deleted}. */
    private int[] move(List<InboundMessage> chosen, List<InboundMessage> kept) throws InterruptedException {
        if (chosen.isEmpty()) return new int[] {0, 0};
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
        List<SendResult> results = source.send(out);
        List<InboundMessage> delete = new ArrayList<>();
        for (int i = 0; i < chosen.size(); i++) {
            if (i < results.size() && results.get(i).succeeded()) delete.add(chosen.get(i));
            else kept.add(chosen.get(i));
        }
        int notDeleted = delete.isEmpty() ? 0 : deleteWithRetries(delete);
        return new int[] {delete.size() - notDeleted, notDeleted};
    }

    /** Deletes from the DLQ through the one retry loop; returns how many could not be deleted. */
    private int deleteWithRetries(List<InboundMessage> delete) throws InterruptedException {
        List<AckFailure> failures = retry.ack(deadLetterQueue, delete);
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
     * What a redrive did.
     *
     * @param moved      dead letters sent back to the source queue and deleted from the DLQ
     * @param kept       dead letters left in the DLQ (not chosen, or not taken by the source queue)
     * @param notDeleted dead letters sent back to the source queue that could not be deleted from the DLQ: they
     *                   are in both queues, and a later redrive sends them again
     */
    public record RedriveResult(int moved, int kept, int notDeleted) {
    }
}
