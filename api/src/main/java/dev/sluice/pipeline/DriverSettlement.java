package dev.sluice.pipeline;

import dev.sluice.spi.InboundMessage;
import dev.sluice.spi.QueueDriver;
import java.time.Duration;
import java.util.Objects;

/**
 * The settlement of a host that holds the broker's message itself (the poller, Lambda): a retry is the
 * driver's nack with the delay (SQS {@code ChangeMessageVisibility}, Pub/Sub ack deadline), a lease is
 * extended through the driver, and an ack is the host's to do ({@code onAck}: the poller queues a batched
 * delete, Lambda leaves the record out of its batch item failures), as is the ack of a dead-lettered message
 * ({@code onDeadLettered}: the poller queues a batched {@link QueueDriver#ackDeadLettered}).
 *
 * @param driver         the queue's driver
 * @param message        the message being settled
 * @param onAck          what acknowledging a handled message means on this host
 * @param onDeadLettered what acknowledging a message whose dead letter was sent means on this host
 */
public record DriverSettlement(QueueDriver driver, InboundMessage message, Runnable onAck, Runnable onDeadLettered)
        implements Settlement {

    public DriverSettlement {
        Objects.requireNonNull(driver, "driver");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(onAck, "onAck");
        Objects.requireNonNull(onDeadLettered, "onDeadLettered");
    }

    @Override
    public void ack() {
        onAck.run();
    }

    @Override
    public void deadLettered() {
        onDeadLettered.run();
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
