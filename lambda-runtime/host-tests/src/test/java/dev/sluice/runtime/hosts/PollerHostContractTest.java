package dev.sluice.runtime.hosts;

import dev.sluice.runtime.brokers.ElasticMq;
import org.junit.jupiter.api.AfterAll;

/** The host contract on the poller ({@link dev.sluice.runtime.poller.PollerMain}): mem://, SQS FIFO for the FIFO case. */
class PollerHostContractTest extends HostContract {
    private static ElasticMq sqs;

    private static synchronized ElasticMq sqs() {
        if (sqs == null) sqs = ElasticMq.start();
        return sqs;
    }

    @AfterAll
    static synchronized void stopSqs() {
        if (sqs != null) sqs.close();
        sqs = null;
    }

    @Override
    protected Host createHost() {
        return new PollerHost(PollerHostContractTest::sqs);
    }
}
