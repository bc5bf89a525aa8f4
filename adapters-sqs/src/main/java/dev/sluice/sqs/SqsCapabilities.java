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
    /** Most entries in one batch call, and most messages of one group one receive hands out. */
    static final int MAX_BATCH = 10;
    /** Largest {@code RedrivePolicy.maxReceiveCount} SQS accepts. */
    static final int MAX_RECEIVE_COUNT = 1000;

    /**
     * The {@code RedrivePolicy.maxReceiveCount} that goes with a spec's {@code maxDeliveryAttempts}: what
     * Sluice provisions and verifies (and the Terraform module sets). The redrive policy is a backstop for a
     * message that never gets to its last attempt (its worker crashes on it); it must never move a message
     * Sluice still counts as having attempts left, because SQS moves it without a reason.
     * <ul>
     *   <li>standard queue: {@code maxDeliveryAttempts}; every receive is an attempt;</li>
     *   <li>FIFO queue: {@code maxDeliveryAttempts × 10}. A receive hands out up to 10 messages of one group;
     *       when one fails, the later ones are given back unstarted to keep the group's order, and SQS counts
     *       that receive although no handler saw the message. Sluice does not count it as an attempt. Behind a
     *       message there are at most 9 earlier ones of its group in the same receive, each failing at most
     *       {@code maxDeliveryAttempts} times, so a message is received at most {@code maxDeliveryAttempts × 10}
     *       times before Sluice dead-letters it itself, with its reason.</li>
     * </ul>
     * Hence {@code maxDeliveryAttempts} ≤ 100 on FIFO queues ({@code maxReceiveCount} ≤ 1000).
     */
    public static int maxReceiveCount(boolean fifo, int maxDeliveryAttempts) {
        return fifo ? maxDeliveryAttempts * MAX_BATCH : maxDeliveryAttempts;
    }

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
            .deliveryAttempts(1, MAX_RECEIVE_COUNT)
            .build();

    /**
     * A FIFO queue: order per message group (≤ 128 characters), deduplication ids, no per-message delay, and
     * {@code maxDeliveryAttempts} ≤ 100 (the redrive policy needs 10 times as many receives, see
     * {@link #maxReceiveCount}).
     */
    public static final Capabilities FIFO = STANDARD.toBuilder()
            .broker("SQS FIFO")
            .ordering(true)
            .deduplication(true)
            .maxDelay(Duration.ZERO)
            .deliveryAttempts(1, MAX_RECEIVE_COUNT / MAX_BATCH)
            .build();
}
