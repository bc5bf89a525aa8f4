package dev.sluice.pipeline;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Remembers when this process first saw each message fail, for the dead-letter reason's
 * {@code firstFailure}. Bounded: the oldest entries go first. A message that failed earlier in another
 * process is reported from its first failure here.
 */
final class FailureLedger {
    private static final int CAPACITY = 10_000;
    private final Map<String, Instant> first = new LinkedHashMap<>(256, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Instant> eldest) {
            return size() > CAPACITY;
        }
    };

    /** Records a failure at {@code now} and returns the first one recorded for the message. */
    synchronized Instant failed(String messageId, Instant now) {
        return first.computeIfAbsent(messageId, id -> now);
    }

    /** Forgets a message that was acked or dead-lettered. */
    synchronized void settled(String messageId) {
        first.remove(messageId);
    }
}
