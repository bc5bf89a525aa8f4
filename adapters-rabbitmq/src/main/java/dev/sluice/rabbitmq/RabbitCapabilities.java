package dev.sluice.rabbitmq;

import dev.sluice.spi.Capabilities;
import java.time.Duration;

/** What a RabbitMQ quorum queue can do through this driver, as the portable layer reads it. */
public final class RabbitCapabilities {
    private RabbitCapabilities() {
    }

    /** Most messages one send, receive or ack call carries (a choice: confirms are awaited per batch). */
    static final int MAX_BATCH = 100;
    /** Most bytes of body plus headers: RabbitMQ 4's default {@code max_message_size}; quorum queues want far less. */
    static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
    /** Most headers; with the key and value limits they fit the content header frame (128 KiB by default). */
    static final int MAX_ATTRIBUTES = 32;
    /** AMQP 0-9-1 field names are short strings of at most 128 characters. */
    static final int MAX_ATTRIBUTE_KEY_BYTES = 128;
    /** Sluice's own limit, so every header fits one frame: a longer CloudEvents value makes the codec use structured mode. */
    static final int MAX_ATTRIBUTE_VALUE_BYTES = 2048;
    /**
     * Longest lease one extension asks for. RabbitMQ itself has no lease: the driver keeps it and gives the message
     * back when it ends. The broker's {@code consumer_timeout} (30 minutes by default) closes the channel of a
     * delivery held longer than that in total, which is why the handler timeout must stay under it.
     */
    static final Duration MAX_LEASE = Duration.ofMinutes(15);
    /** Largest {@code maxDeliveryAttempts}: the quorum queue's {@code x-delivery-limit} is set from it. */
    static final int MAX_DELIVERY_ATTEMPTS = 1000;

    /**
     * A quorum queue: no per-key order, no deduplication, delays (per message and on a nack) through the retry
     * queues of {@link RetryLadder} (rounded up to its next step, at most 12 hours), attempts counted by the broker
     * ({@code x-delivery-count}) plus the driver's own header across retry-queue trips.
     */
    public static final Capabilities QUORUM = Capabilities.builder("RabbitMQ")
            .maxBatchSize(MAX_BATCH)
            .maxMessageBytes(MAX_MESSAGE_BYTES)
            .maxAttributes(MAX_ATTRIBUTES)
            .maxAttributeKeyBytes(MAX_ATTRIBUTE_KEY_BYTES)
            .maxAttributeValueBytes(MAX_ATTRIBUTE_VALUE_BYTES)
            .textBodyOnly(false)
            .ordering(false)
            .maxOrderingKeyLength(128)
            .deduplication(false)
            .maxDelay(RetryLadder.MAX)
            .maxNackDelay(RetryLadder.MAX)
            .minLease(Duration.ofSeconds(1))
            .maxLease(MAX_LEASE)
            .attempts(Capabilities.AttemptCounting.APPROXIMATE)
            .deliveryAttempts(1, MAX_DELIVERY_ATTEMPTS)
            .build();
}
