package dev.sluice;

import java.util.Objects;

/**
 * The depth of a queue and of its dead-letter queue, as the broker reports them: the signal for autoscaling
 * (a backlog growing) and for alerts (a dead letter waiting, a message growing old).
 *
 * @param queue           the queue
 * @param deadLetterQueue its dead-letter queue
 */
public record QueueStats(QueueDepth queue, QueueDepth deadLetterQueue) {
    public QueueStats {
        Objects.requireNonNull(queue, "queue");
        Objects.requireNonNull(deadLetterQueue, "deadLetterQueue");
    }
}
