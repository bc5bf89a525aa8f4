package dev.sluice.runtime.lambda;

import dev.sluice.pipeline.Settlement;
import dev.sluice.spi.InboundMessage;
import dev.sluice.spi.QueueDriver;
import java.time.Duration;

/**
 * The Lambda host's settlement: an acked record is left out of the batch item failures (Lambda deletes it);
 * a retried one is reported, with its visibility timeout set to the delay ({@code ChangeMessageVisibility}
 * through the SQS driver), which is the backoff. Leases are extended the same way.
 */
final class LambdaSettlement implements Settlement {
    private final QueueDriver driver;
    private final InboundMessage message;
    private volatile boolean acked;

    LambdaSettlement(QueueDriver driver, InboundMessage message) {
        this.driver = driver;
        this.message = message;
    }

    @Override
    public void ack() {
        acked = true;
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

    /** Whether the record is done with (handled or dead-lettered), so it is not a batch item failure. */
    boolean acked() {
        return acked;
    }
}
