package dev.sluice.runtime.hosts;

import dev.sluice.runtime.brokers.ElasticMq;

/**
 * The host contract on the poller ({@link dev.sluice.runtime.poller.PollerMain}): {@code mem://} queues on the
 * virtual clock, and an SQS FIFO queue on ElasticMQ for the FIFO case.
 */
class PollerHostContractTest extends HostContract {

    @Override
    protected Host createHost() {
        return new PollerHost(ElasticMq::shared);
    }
}
