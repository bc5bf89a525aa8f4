package dev.sluice.pipeline;

import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * What this process saw of each unsettled message: when it first failed here (for the dead-letter reason's
 * {@code firstFailure}), how many handled attempts failed here, and which of the broker's deliveries were
 * handled and which were given back unhandled (the later messages of an ordering key behind a failure).
 * Bounded: the oldest entries go first.
 *
 * <p>It turns the broker's count of deliveries into a count of attempts: a delivery given back unhandled is
 * one the broker counts but no handler saw, so it must not bring a message closer to its dead letter. A
 * delivery is known by the broker's number for it, so a copy given back whose number a handler also saw (a
 * broker that redelivered the later messages of a key itself, as Pub/Sub does) is not subtracted twice.
 * Where the broker does not count at all (an HTTP push without a dead-letter policy, a CloudEvent POSTed
 * directly), the failures seen here are the count.
 */
final class FailureLedger {
    private static final int CAPACITY = 10_000;

    private static final class Entry {
        Instant firstFailure;
        int failures;
        final Set<Integer> handled = new HashSet<>();
        final Set<Integer> givenBack = new HashSet<>();
    }

    private final Map<String, Entry> entries = new LinkedHashMap<>(256, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
            return size() > CAPACITY;
        }
    };

    /**
     * Records that delivery number {@code delivered} of the message was processed and is to be retried (a
     * delivery that ends in an ack needs no record: the entry goes with it).
     */
    synchronized void handled(String messageId, OptionalInt delivered) {
        if (delivered.isPresent()) entries.computeIfAbsent(messageId, id -> new Entry()).handled.add(delivered.getAsInt());
    }

    /** Records a failed attempt at {@code now} and returns the first failure recorded for the message. */
    synchronized Instant failed(String messageId, Instant now) {
        Entry e = entries.computeIfAbsent(messageId, id -> new Entry());
        if (e.firstFailure == null) e.firstFailure = now;
        e.failures++;
        return e.firstFailure;
    }

    /** Records delivery number {@code delivered} of the message as given back without being handled. */
    synchronized void gaveBack(String messageId, OptionalInt delivered) {
        if (delivered.isPresent()) entries.computeIfAbsent(messageId, id -> new Entry()).givenBack.add(delivered.getAsInt());
    }

    /**
     * The number of the attempt that delivery {@code delivered} makes: the broker's number less the earlier
     * deliveries given back that no handler saw, or, where the broker does not count, one more than the
     * failures seen here.
     */
    synchronized int attempt(String messageId, OptionalInt delivered) {
        Entry e = entries.get(messageId);
        if (delivered.isEmpty()) return e == null ? 1 : e.failures + 1;
        int n = delivered.getAsInt();
        if (e == null) return Math.max(1, n);
        long unhandled = e.givenBack.stream().filter(g -> g < n && !e.handled.contains(g)).count();
        return (int) Math.max(1, n - unhandled);
    }

    /** Forgets a message that was acked or dead-lettered. */
    synchronized void settled(String messageId) {
        entries.remove(messageId);
    }
}
