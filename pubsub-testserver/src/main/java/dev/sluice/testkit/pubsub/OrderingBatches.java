package dev.sluice.testkit.pubsub;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Per ordering key, the batch delivered last: a key's next batch waits until every message of this one
 * is acknowledged. When a message of a batch fails, it and every later message of the batch (acknowledged
 * or not) are to be delivered again, in order, as the service does. Guarded by the owning
 * {@link SubscriptionState}'s lock.
 */
final class OrderingBatches {

    private final Map<String, List<PendingMessage>> open = new HashMap<>();

    /** True when {@code key} has a batch out; messages of that key must wait. */
    boolean isOpen(String key) {
        return open.containsKey(key);
    }

    /** Adds a message being delivered to its key's batch, opening the batch if needed. */
    void add(PendingMessage message) {
        open.computeIfAbsent(message.orderingKey(), key -> new ArrayList<>()).add(message);
    }

    /** Marks {@code message} acknowledged; the batch closes once all its messages are. */
    void acknowledged(PendingMessage message) {
        message.acknowledged(true);
        List<PendingMessage> batch = open.get(message.orderingKey());
        if (batch.stream().allMatch(PendingMessage::acknowledged)) {
            open.remove(message.orderingKey());
        }
    }

    /**
     * Takes {@code failed} and every later message out of its batch and returns the later ones, to be
     * delivered again after it. Earlier messages stay; the batch closes when only acknowledged ones are left.
     */
    List<PendingMessage> reopenFrom(PendingMessage failed) {
        List<PendingMessage> batch = open.get(failed.orderingKey());
        List<PendingMessage> later = new ArrayList<>();
        for (PendingMessage message : batch) {
            if (message.sequence() > failed.sequence()) {
                message.acknowledged(false);
                later.add(message);
            }
        }
        batch.removeIf(message -> message.sequence() >= failed.sequence());
        while (!batch.isEmpty() && batch.get(0).acknowledged()) {
            batch.remove(0);
        }
        if (batch.isEmpty()) {
            open.remove(failed.orderingKey());
        }
        return later;
    }

    void clear() {
        open.clear();
    }
}
