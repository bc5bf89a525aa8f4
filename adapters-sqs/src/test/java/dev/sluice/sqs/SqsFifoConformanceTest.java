package dev.sluice.sqs;

import dev.sluice.testkit.ConformanceHarness;
import dev.sluice.testkit.ConformanceSuite;

/** The whole conformance suite on ElasticMQ embedded on 127.0.0.1, with FIFO queues (name.fifo): ordering and deduplication on, per-message delay off. */
class SqsFifoConformanceTest extends ConformanceSuite {

    @Override
    protected ConformanceHarness createHarness() {
        ElasticMq mq = ElasticMq.start();
        return new SqsHarness(mq.sluice(), true, "", mq::close);
    }
}
