package dev.sluice.kafka;

import dev.sluice.spi.Capabilities;
import java.time.Duration;

/** What a Kafka queue can do in each mode, as the portable layer reads it. */
final class KafkaCapabilities {
    private KafkaCapabilities() {
    }

    /** Most bytes of one message (value plus header names and values): under Kafka's default 1 MB record batch. */
    static final int MAX_MESSAGE_BYTES = 1_000_000;
    /** Most messages one send, receive or ack carries. */
    static final int MAX_BATCH = 100;
    /**
     * Longest retry delay in share-group mode: RELEASE has no delay, so the driver holds the record (its acquisition
     * lock renewed) until the delay is over, then releases it. Held records count against the partition's in-flight
     * limit ({@code group.share.partition.max.record.locks}), so the hold is kept short.
     */
    static final Duration SHARE_MAX_NACK_DELAY = Duration.ofMinutes(15);
    /** The broker's default ceiling of a share group's delivery count limit ({@code group.share.max.delivery.count.limit}). */
    static final int SHARE_MAX_ATTEMPTS = 10;
    /** Longest retry delay in consumer-group mode: the record is held in the consumer, commits held back below it. */
    static final Duration CONSUMER_MAX_NACK_DELAY = Duration.ofMinutes(15);

    /**
     * Share groups: binary values, headers for attributes, no ordering keys (a share group does not keep order;
     * refused), no deduplication ids (the idempotent producer only drops its own retries), no per-message delay,
     * retries held up to 15 minutes, leases kept by the driver (acquisition locks renewed), attempts from the
     * broker's delivery count, at most the broker's delivery count limit.
     */
    static final Capabilities SHARE = Capabilities.builder("Kafka share group")
            .maxBatchSize(MAX_BATCH)
            .maxMessageBytes(MAX_MESSAGE_BYTES)
            .maxAttributes(100)
            .maxAttributeKeyBytes(256)
            .maxAttributeValueBytes(16 * 1024)
            .textBodyOnly(false)
            .ordering(false)
            .deduplication(false)
            .maxDelay(Duration.ZERO)
            .maxNackDelay(SHARE_MAX_NACK_DELAY)
            .minLease(Duration.ofSeconds(1))
            .maxLease(Duration.ofHours(1))
            .attempts(Capabilities.AttemptCounting.EXACT)
            .deliveryAttempts(1, SHARE_MAX_ATTEMPTS)
            .build();

    /**
     * Consumer groups: as share groups, but ordering keys are record keys and order holds per partition; attempts
     * are counted by the driver (in memory, so a crash starts a record's count again), up to 1000.
     */
    static final Capabilities CONSUMER = SHARE.toBuilder()
            .broker("Kafka consumer group")
            .ordering(true)
            .maxOrderingKeyLength(1024)
            .maxNackDelay(CONSUMER_MAX_NACK_DELAY)
            .attempts(Capabilities.AttemptCounting.APPROXIMATE)
            .deliveryAttempts(1, 1000)
            .build();
}
