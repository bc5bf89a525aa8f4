package dev.sluice.worker;

import dev.sluice.pipeline.Settlement;
import dev.sluice.spi.InboundMessage;
import dev.sluice.spi.QueueDriver;
import java.time.Duration;

/** The poller's settlement: acks are batched by the {@link Acknowledger}; retries and leases go to the driver. */
record PollerSettlement(QueueDriver driver, Acknowledger acknowledger, InboundMessage message) implements Settlement {

    @Override
    public void ack() {
        acknowledger.ack(message);
    }

    @Override
    public void retry(Duration delay) {
        driver.nack(message, delay);
    }

    @Override
    public boolean extendLease(Duration lease) {
        driver.extendLease(message, lease);
        return true;
    }
}
