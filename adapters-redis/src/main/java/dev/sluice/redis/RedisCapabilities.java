package dev.sluice.redis;

import dev.sluice.spi.Capabilities;
import java.time.Duration;

/** What a Redis Streams queue can do, as the portable layer reads it. */
final class RedisCapabilities {
    private RedisCapabilities() {
    }

    /** Most bytes of one message (body plus attribute names and values): Sluice's limit, not Redis's (512 MB). */
    static final int MAX_MESSAGE_BYTES = 1_048_576;
    /** Most messages one send, receive or ack carries (one pipeline, one XREADGROUP, one script). */
    static final int MAX_BATCH = 100;
    /** How long a deduplication id is remembered. */
    static final Duration DEDUP_WINDOW = Duration.ofMinutes(5);
    /** Longest per-message delay and nack delay: the delayed set holds anything; a week keeps mistakes visible. */
    static final Duration MAX_DELAY = Duration.ofDays(7);

    /**
     * Binary bodies (no text-only rule), up to 100 attributes, no ordering keys (refused: one stream has no
     * per-key lanes), deduplication ids for 5 minutes, delays and nack delays up to 7 days, leases up to 12 hours,
     * attempts from the pending entries list's delivery counter.
     */
    static final Capabilities STREAMS = Capabilities.builder("Redis Streams")
            .maxBatchSize(MAX_BATCH)
            .maxMessageBytes(MAX_MESSAGE_BYTES)
            .maxAttributes(100)
            .maxAttributeKeyBytes(256)
            .maxAttributeValueBytes(16 * 1024)
            .textBodyOnly(false)
            .ordering(false)
            .deduplication(true)
            .maxDelay(MAX_DELAY)
            .maxNackDelay(MAX_DELAY)
            .minLease(Duration.ofSeconds(1))
            .maxLease(Duration.ofHours(12))
            .attempts(Capabilities.AttemptCounting.APPROXIMATE)
            .deliveryAttempts(1, 1000)
            .build();
}
