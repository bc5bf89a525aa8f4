package dev.sluice.spi;

import java.time.Duration;
import java.util.Objects;

/**
 * What a broker can do and the limits it enforces. The portable layer reads these to batch, to pick the
 * wire mode, to check events before sending and to refuse, at start-up, a {@code QueueSpec} the broker
 * cannot honour. Build with {@link #builder(String)}.
 *
 * @param broker                  a human name used in error messages, e.g. {@code "SQS FIFO"}
 * @param maxBatchSize            most messages one send, receive or ack call may carry
 * @param maxMessageBytes         most bytes of body plus attribute keys and values
 * @param maxAttributes           most attributes on one message
 * @param maxAttributeKeyBytes    longest attribute key, in UTF-8 bytes
 * @param maxAttributeValueBytes  longest attribute value, in UTF-8 bytes
 * @param textBodyOnly            the body must be non-empty text of XML 1.0 characters (SQS); other data then
 *                                travels in structured mode
 * @param ordering                ordering keys are honoured
 * @param maxOrderingKeyLength    longest ordering key
 * @param deduplication           deduplication ids are honoured
 * @param maxDelay                longest per-message delay; {@link Duration#ZERO} means per-message delay is unsupported
 * @param maxNackDelay            longest redelivery delay a nack can ask for; longer ones are clamped
 * @param minLease                shortest lease the broker accepts (Pub/Sub: a 10 s ack deadline)
 * @param maxLease                longest a lease can be extended to in one call
 * @param attempts                how the broker counts deliveries
 * @param minDeliveryAttempts     smallest {@code maxDeliveryAttempts} the broker's dead-letter policy accepts
 * @param maxDeliveryAttempts     largest {@code maxDeliveryAttempts} the broker's dead-letter policy accepts
 */
public record Capabilities(
        String broker,
        int maxBatchSize,
        int maxMessageBytes,
        int maxAttributes,
        int maxAttributeKeyBytes,
        int maxAttributeValueBytes,
        boolean textBodyOnly,
        boolean ordering,
        int maxOrderingKeyLength,
        boolean deduplication,
        Duration maxDelay,
        Duration maxNackDelay,
        Duration minLease,
        Duration maxLease,
        AttemptCounting attempts,
        int minDeliveryAttempts,
        int maxDeliveryAttempts) {

    /** How exactly a broker knows the delivery attempt number. */
    public enum AttemptCounting {
        /** The number is exact (the in-memory broker). */
        EXACT,
        /** The number is the broker's approximation (SQS {@code ApproximateReceiveCount}, Pub/Sub {@code delivery_attempt}). */
        APPROXIMATE,
        /** The broker does not count; the attempt number is absent, never invented. */
        NONE
    }

    public Capabilities {
        Objects.requireNonNull(broker, "broker");
        Objects.requireNonNull(maxDelay, "maxDelay");
        Objects.requireNonNull(maxNackDelay, "maxNackDelay");
        Objects.requireNonNull(minLease, "minLease");
        Objects.requireNonNull(maxLease, "maxLease");
        Objects.requireNonNull(attempts, "attempts");
        if (maxBatchSize < 1) throw new IllegalArgumentException("maxBatchSize must be at least 1, was " + maxBatchSize);
        if (maxAttributes < 2) throw new IllegalArgumentException("maxAttributes must be at least 2, was " + maxAttributes);
    }

    /** Whether the broker accepts a per-message delay. */
    public boolean delays() {
        return !maxDelay.isZero();
    }

    /** Starts from the strictest limits of the real brokers; override what differs. */
    public static Builder builder(String broker) {
        return new Builder(broker);
    }

    /** A copy with another broker name and limits, for drivers that derive one set from another. */
    public Builder toBuilder() {
        return new Builder(broker).maxBatchSize(maxBatchSize).maxMessageBytes(maxMessageBytes)
                .maxAttributes(maxAttributes).maxAttributeKeyBytes(maxAttributeKeyBytes)
                .maxAttributeValueBytes(maxAttributeValueBytes).textBodyOnly(textBodyOnly)
                .ordering(ordering).maxOrderingKeyLength(maxOrderingKeyLength).deduplication(deduplication)
                .maxDelay(maxDelay).maxNackDelay(maxNackDelay).minLease(minLease).maxLease(maxLease).attempts(attempts)
                .deliveryAttempts(minDeliveryAttempts, maxDeliveryAttempts);
    }

    /** Builder for {@link Capabilities}; defaults are the strictest of SQS and Pub/Sub. */
    public static final class Builder {
        private String broker;
        private int maxBatchSize = 10;
        private int maxMessageBytes = 1024 * 1024;
        private int maxAttributes = 10;
        private int maxAttributeKeyBytes = 256;
        private int maxAttributeValueBytes = 1024;
        private boolean textBodyOnly;
        private boolean ordering;
        private int maxOrderingKeyLength = 128;
        private boolean deduplication;
        private Duration maxDelay = Duration.ZERO;
        private Duration maxNackDelay = Duration.ofSeconds(600);
        private Duration minLease = Duration.ofSeconds(1);
        private Duration maxLease = Duration.ofSeconds(600);
        private AttemptCounting attempts = AttemptCounting.EXACT;
        private int minDeliveryAttempts = 1;
        private int maxDeliveryAttempts = 1000;

        private Builder(String broker) {
            this.broker = broker;
        }

        public Builder broker(String v) { broker = v; return this; }
        public Builder maxBatchSize(int v) { maxBatchSize = v; return this; }
        public Builder maxMessageBytes(int v) { maxMessageBytes = v; return this; }
        public Builder maxAttributes(int v) { maxAttributes = v; return this; }
        public Builder maxAttributeKeyBytes(int v) { maxAttributeKeyBytes = v; return this; }
        public Builder maxAttributeValueBytes(int v) { maxAttributeValueBytes = v; return this; }
        public Builder textBodyOnly(boolean v) { textBodyOnly = v; return this; }
        public Builder ordering(boolean v) { ordering = v; return this; }
        public Builder maxOrderingKeyLength(int v) { maxOrderingKeyLength = v; return this; }
        public Builder deduplication(boolean v) { deduplication = v; return this; }
        public Builder maxDelay(Duration v) { maxDelay = v; return this; }
        public Builder maxNackDelay(Duration v) { maxNackDelay = v; return this; }
        public Builder minLease(Duration v) { minLease = v; return this; }
        public Builder maxLease(Duration v) { maxLease = v; return this; }
        public Builder attempts(AttemptCounting v) { attempts = v; return this; }
        public Builder deliveryAttempts(int min, int max) { minDeliveryAttempts = min; maxDeliveryAttempts = max; return this; }

        public Capabilities build() {
            return new Capabilities(broker, maxBatchSize, maxMessageBytes, maxAttributes, maxAttributeKeyBytes,
                    maxAttributeValueBytes, textBodyOnly, ordering, maxOrderingKeyLength, deduplication, maxDelay,
                    maxNackDelay, minLease, maxLease, attempts, minDeliveryAttempts, maxDeliveryAttempts);
        }
    }
}
