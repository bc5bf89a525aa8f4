package dev.sluice.rabbitmq;

import dev.sluice.testkit.ConformanceHarness;
import dev.sluice.testkit.ConformanceSuite;

/**
 * The whole conformance suite on the real RabbitMQ (127.0.0.1:5672), quorum queues in a vhost of the test's own.
 * Skipped, naming the capability: ordering (RabbitMQ orders per queue, not per key; refused) and deduplication
 * (refused).
 */
class RabbitConformanceTest extends ConformanceSuite {

    @Override
    protected ConformanceHarness createHarness() {
        return new RabbitHarness(RabbitBroker.start("conformance"));
    }
}
