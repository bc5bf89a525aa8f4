package dev.sluice.core;

import dev.sluice.spi.Capabilities;
import java.time.Duration;
import java.util.stream.Stream;

/**
 * Capabilities shaped like each broker's (the adapters' own are not on api's class path): the profiles the
 * Publisher checks and the start-up spec checks are tested against, with no broker.
 */
final class BrokerProfiles {
    static final Capabilities SQS_STANDARD = Capabilities.builder("SQS standard").maxMessageBytes(262_144).textBodyOnly(true)
            .maxDelay(Duration.ofSeconds(900)).maxNackDelay(Duration.ofSeconds(43_200))
            .attempts(Capabilities.AttemptCounting.APPROXIMATE).deliveryAttempts(1, 1000).build();
    static final Capabilities SQS_FIFO = SQS_STANDARD.toBuilder().broker("SQS FIFO").ordering(true).deduplication(true)
            .maxDelay(Duration.ZERO).deliveryAttempts(1, 100).build();
    static final Capabilities PUBSUB = Capabilities.builder("Pub/Sub").maxBatchSize(100).maxMessageBytes(10_000_000)
            .maxAttributes(100).ordering(true).maxOrderingKeyLength(1024).minLease(Duration.ofSeconds(10))
            .attempts(Capabilities.AttemptCounting.APPROXIMATE).deliveryAttempts(5, 100).build();
    static final Capabilities IN_MEMORY = Capabilities.builder("in-memory").ordering(true).deduplication(true)
            .maxDelay(Duration.ofSeconds(900)).build();

    private BrokerProfiles() {
    }

    static Stream<Capabilities> all() {
        return Stream.of(SQS_STANDARD, SQS_FIFO, PUBSUB, IN_MEMORY);
    }
}
