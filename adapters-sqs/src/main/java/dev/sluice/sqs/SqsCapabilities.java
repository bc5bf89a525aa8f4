package dev.sluice.sqs;

import dev.sluice.spi.Capabilities;
import java.time.Duration;

/** What SQS standard and FIFO queues can do, as the portable layer reads it. */
public final class SqsCapabilities {
    private SqsCapabilities() {
    }

    /** Longest visibility timeout, nack delay and lease: 12 hours. */
    static final int MAX_VISIBILITY_SECONDS = 43_200;
    /** Longest per-message delay on a standard queue: 15 minutes. */
    static final int MAX_DELAY_SECONDS = 900;
    /** Most bytes of one message, and of one SendMessageBatch call: 1 MiB. */
    static final int MAX_MESSAGE_BYTES = 1_048_576;
    /** Most message attributes. */
    static final int MAX_ATTRIBUTES = 10;
    /** Most entries in one batch call. */
    static final int MAX_BATCH = 10;

    /**
     * A standard queue: no order, no deduplication, per-message delays up to 900 s. The attribute value limit
     * (1024 bytes) is Sluice's own, not SQS's (SQS only counts the whole message): a longer {@code ce-} value
     * makes the codec use structured mode, and a dead letter's reason is shortened to it.
     */
    public static final Capabilities STANDARD = Capabilities.builder("SQS standard")
            .maxBatchSize(MAX_BATCH)
            .maxMessageBytes(MAX_MESSAGE_BYTES)
            .maxAttributes(MAX_ATTRIBUTES)
            .maxAttributeKeyBytes(256)
            .maxAttributeValueBytes(1024)
            .textBodyOnly(true)
            .ordering(false)
            .maxOrderingKeyLength(128)
            .deduplication(false)
            .maxDelay(Duration.ofSeconds(MAX_DELAY_SECONDS))
            .maxNackDelay(Duration.ofSeconds(MAX_VISIBILITY_SECONDS))
            .maxLease(Duration.ofSeconds(MAX_VISIBILITY_SECONDS))
            .attempts(Capabilities.AttemptCounting.APPROXIMATE)
            .deliveryAttempts(1, 1000)
            .build();

    /** A FIFO queue: order per message group (≤ 128 characters), deduplication ids, no per-message delay. */
    public static final Capabilities FIFO = STANDARD.toBuilder()
            .broker("SQS FIFO")
            .ordering(true)
            .deduplication(true)
            .maxDelay(Duration.ZERO)
            .build();
}
