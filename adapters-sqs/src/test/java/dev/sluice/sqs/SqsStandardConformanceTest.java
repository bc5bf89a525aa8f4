package dev.sluice.sqs;

import dev.sluice.testkit.ConformanceHarness;
import dev.sluice.testkit.ConformanceSuite;

/** The whole conformance suite on ElasticMQ embedded on 127.0.0.1, with standard queues: per-message delay on, ordering and deduplication off. */
class SqsStandardConformanceTest extends ConformanceSuite {

    @Override
    protected ConformanceHarness createHarness() {
        ElasticMq mq = ElasticMq.start();
        return new SqsHarness(mq.sluice(), false, "", mq::close);
    }
}
