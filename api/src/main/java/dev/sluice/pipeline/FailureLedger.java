package dev.sluice.pipeline;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * What this process saw of each unsettled message: when it first failed here (for the dead-letter reason's
 * {@code firstFailure}), how many handled attempts failed here, and how many deliveries were given back
 * unhandled (the later messages of an ordering key behind a failure). Bounded: the oldest entries go first.
 *
 * <p>It turns the broker's count of deliveries into a count of attempts: a give-back is a delivery the
 * broker counts but no handler saw, so it must not bring a message closer to its dead letter. Where the
 * broker does not count at all (an HTTP push without a dead-letter policy, a CloudEvent POSTed directly),
 * the failures seen here are the count.
 */
final class FailureLedger {
    private static final int CAPACITY = 10_000;

    private static final class Entry {
        Instant firstFailure;
        int failures;
        int givenBack;
    }

    private final Map<String, Entry> entries = new LinkedHashMap<>(256, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
            return size() > CAPACITY;
        }
    };

    /** Records a failed attempt at {@code now} and returns the first failure recorded for the message. */
    synchronized Instant failed(String messageId, Instant now) {
        Entry e = entries.computeIfAbsent(messageId, id -> new Entry());
        if (e.firstFailure == null) e.firstFailure = now;
        e.failures++;
        return e.firstFailure;
    }

    /** Records a delivery given back without being handled. */
    synchronized void gaveBack(String messageId) {
        entries.computeIfAbsent(messageId, id -> new Entry()).givenBack++;
    }

    /**
     * The number of the attempt now being made: the broker's delivery count less the deliveries given back
     * unhandled here, or, where the broker does not count, one more than the failures seen here.
     */
    synchronized int attempt(String messageId, OptionalInt delivered) {
        Entry e = entries.get(messageId);
        if (delivered.isEmpty()) return e == null ? 1 : e.failures + 1;
        return Math.max(1, delivered.getAsInt() - (e == null ? 0 : e.givenBack));
    }

    /** Forgets a message that was acked or dead-lettered. */
    synchronized void settled(String messageId) {
        entries.remove(messageId);
    }
}
