package dev.sluice.kafka;

import dev.sluice.testkit.ConformanceHarness;
import dev.sluice.testkit.ConformanceSuite;

/**
 * The whole conformance suite in share-group mode ({@code mode=share}) on a real Kafka 4 broker the test starts
 * ({@link KafkaBroker}). Skipped, naming the capability: ordering (a share group keeps no order; refused),
 * deduplication (refused) and per-message delay (Kafka has none).
 */
class KafkaShareConformanceTest extends ConformanceSuite {

    @Override
    protected ConformanceHarness createHarness() {
        return new KafkaHarness(KafkaBroker.shared(), "share");
    }
}
