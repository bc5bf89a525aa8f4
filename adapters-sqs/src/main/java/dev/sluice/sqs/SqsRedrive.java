package dev.sluice.sqs;

import dev.sluice.ErrorCode;
import dev.sluice.SluiceException;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * SQS's own dead-letter redrive: a message move task ({@code StartMessageMoveTask}) that moves every message
 * of a dead-letter queue back to the queue it came from, at SQS's pace, and its status
 * ({@code ListMessageMoveTasks}). Unlike the portable {@code DeadLetters.redrive}, it cannot filter, and it
 * keeps the {@code sluice-dead-letter} reason attribute on the moved messages (harmless: the worker ignores
 * it). Obtain it from the dead-letter queue's driver:
 *
 * <pre>{@code
 * SqsRedrive redrive = sluice.open(spec).deadLetterQueue().unwrap(SqsRedrive.class).orElseThrow();
 * String task = redrive.start();
 * redrive.status(task).ifPresent(t -> System.out.println(t.status() + " " + t.moved() + "/" + t.toMove()));
 * }</pre>
 * Needs {@code sqs:StartMessageMoveTask}, {@code sqs:ListMessageMoveTasks}, {@code sqs:CancelMessageMoveTask}
 * on the dead-letter queue, plus receive/delete there and send on the destination.
 */
public final class SqsRedrive {

    /**
     * A move task as SQS reports it.
     *
     * @param handle         the task handle (null once the task is finished, on AWS)
     * @param status         RUNNING, COMPLETED, CANCELLING, CANCELLED or FAILED
     * @param sourceArn      the dead-letter queue
     * @param destinationArn where messages go, or null for "back to where each came from"
     * @param moved          messages moved so far
     * @param toMove         messages to move, as counted when the task started
     * @param failureReason  why it failed, or null
     * @param started        when it started, or null
     */
    public record Task(String handle, String status, String sourceArn, String destinationArn, long moved,
                       long toMove, String failureReason, Instant started) {

        /** Whether the task has ended. */
        public boolean finished() {
            return !"RUNNING".equals(status) && !"CANCELLING".equals(status);
        }
    }

    private final SqsAsyncClient client;
    private final SqsAddress deadLetterQueue;
    private final String queueUrl;

    SqsRedrive(SqsAsyncClient client, SqsAddress deadLetterQueue, String queueUrl) {
        this.client = client;
        this.deadLetterQueue = deadLetterQueue;
        this.queueUrl = queueUrl;
    }

    /** Starts moving every message back to the queue it came from; returns the task handle. */
    public String start() {
        return start(null);
    }

    /**
     * Starts moving every message back to its source queue, at most {@code maxPerSecond} messages a second
     * (null: as fast as SQS goes); returns the task handle.
     */
    public String start(Integer maxPerSecond) {
        String arn = arn();
        return call(client.startMessageMoveTask(b -> b.sourceArn(arn).maxNumberOfMessagesPerSecond(maxPerSecond)),
                "sqs:StartMessageMoveTask").taskHandle();
    }

    /** The move tasks of this dead-letter queue, newest first (SQS keeps the last ten). */
    public List<Task> tasks() {
        String arn = arn();
        return call(client.listMessageMoveTasks(b -> b.sourceArn(arn).maxResults(10)), "sqs:ListMessageMoveTasks")
                .results().stream()
                .map(r -> new Task(r.taskHandle(), r.status(), r.sourceArn(), r.destinationArn(),
                        r.approximateNumberOfMessagesMoved() == null ? 0 : r.approximateNumberOfMessagesMoved(),
                        r.approximateNumberOfMessagesToMove() == null ? 0 : r.approximateNumberOfMessagesToMove(),
                        r.failureReason(), r.startedTimestamp() == null ? null : Instant.ofEpochMilli(r.startedTimestamp())))
                .sorted(Comparator.comparing(Task::started, Comparator.nullsLast(Comparator.reverseOrder())))
                .toList();
    }

    /** The task started with {@code handle}, or the newest when SQS no longer reports handles of finished ones. */
    public Optional<Task> status(String handle) {
        List<Task> tasks = tasks();
        return tasks.stream().filter(t -> handle.equals(t.handle())).findFirst()
                .or(() -> tasks.stream().findFirst());
    }

    /** Cancels a running task; messages already moved stay moved. */
    public void cancel(String handle) {
        call(client.cancelMessageMoveTask(b -> b.taskHandle(handle)), "sqs:CancelMessageMoveTask");
    }

    private String arn() {
        return call(client.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN)),
                "sqs:GetQueueAttributes").attributes().get(QueueAttributeName.QUEUE_ARN);
    }

    private <T> T call(CompletableFuture<T> future, String action) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SluiceException(ErrorCode.UNAVAILABLE, action + " on " + deadLetterQueue.describe() + " interrupted", e);
        } catch (ExecutionException e) {
            throw SqsErrors.exception(e, action, deadLetterQueue);
        }
    }
}
