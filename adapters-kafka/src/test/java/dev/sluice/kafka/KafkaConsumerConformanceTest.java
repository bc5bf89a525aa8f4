package dev.sluice.kafka;

import dev.sluice.testkit.ConformanceHarness;
import dev.sluice.testkit.ConformanceSuite;

/**
 * The whole conformance suite in consumer-group mode ({@code mode=consumer}) on a real Kafka 4 broker the test starts
 * ({@link KafkaBroker}). Ordering holds per key (the record key). Skipped, naming the capability:
 * deduplication (refused) and per-message delay (Kafka has none).
 */
class KafkaConsumerConformanceTest extends ConformanceSuite {

    @Override
    protected ConformanceHarness createHarness() {
        return new KafkaHarness(KafkaBroker.shared(), "consumer");
    }
}
