package dev.sluice.runtime.lambda;

import dev.sluice.Outcome;
import dev.sluice.Sluice;
import dev.sluice.pipeline.Pipeline;
import dev.sluice.spi.InboundMessage;
import dev.sluice.spi.QueueDriver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a batch of SQS records through their queues' pipelines and returns the ids of the records that
 * must come back (the batch item failures). Ack and dead letter (already sent by the pipeline) count as
 * success. A retry is a failure; when its delay is positive, the record's visibility timeout is set to the
 * delay with {@code ChangeMessageVisibility} (through the driver's {@code nack}), which is the backoff.
 * Records of a standard queue run in parallel; on a FIFO queue the batch stops at the first failure, and
 * that record and every later one are reported, so that the order within each group is kept. A record not
 * yet started when less than {@link #MARGIN} of the invocation's time is left is reported without being
 * handled: a timeout would return the whole batch, handled records included.
 */
final class BatchProcessor {
    private static final Logger log = LoggerFactory.getLogger(BatchProcessor.class);
    static final long MARGIN = 2_000;

    private final Sluice sluice;
    private final QueueResolver queues;
    private final ExecutorService workers;

    BatchProcessor(Sluice sluice, QueueResolver queues, ExecutorService workers) {
        this.sluice = sluice;
        this.queues = queues;
        this.workers = workers;
    }

    /** @param deadline {@link System#nanoTime()} by which the invocation must have answered */
    List<String> process(List<SqsRecord> records, long deadline) {
        if (records.isEmpty()) return List.of();
        return records.get(0).fromFifoQueue() ? inOrder(records, deadline) : inParallel(records, deadline);
    }

    private List<String> inOrder(List<SqsRecord> records, long deadline) {
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            if (!run(records.get(i), deadline)) {
                for (int j = i; j < records.size(); j++) failures.add(records.get(j).messageId());
                if (records.size() > i + 1) {
                    log.info("FIFO batch stopped at record {}; {} later records are reported unprocessed",
                            records.get(i).messageId(), records.size() - i - 1);
                }
                break;
            }
        }
        return failures;
    }

    private List<String> inParallel(List<SqsRecord> records, long deadline) {
        List<Future<Boolean>> results = new ArrayList<>(records.size());
        for (SqsRecord r : records) results.add(workers.submit(() -> run(r, deadline)));
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            try {
                if (!results.get(i).get()) failures.add(records.get(i).messageId());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while handling the batch", e);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
            }
        }
        return failures;
    }

    /** True when the record is done with (acked or dead-lettered). */
    private boolean run(SqsRecord record, long deadline) {
        if (deadline - System.nanoTime() < MARGIN * 1_000_000) {
            log.warn("record {} not started: the invocation's time is nearly up; it will be redelivered", record.messageId());
            return false;
        }
        Pipeline pipeline = queues.resolve(record);
        QueueDriver driver = sluice.driver(pipeline.spec().uri());
        InboundMessage message = SqsEventReader.toInbound(record);
        Outcome outcome = pipeline.process(message, lease -> driver.extendLease(message, lease));
        if (!(outcome instanceof Outcome.Retry retry)) return true;
        if (retry.delay().compareTo(Duration.ZERO) > 0) backoff(driver, message, retry.delay());
        return false;
    }

    private static void backoff(QueueDriver driver, InboundMessage message, Duration delay) {
        Duration max = driver.capabilities().maxNackDelay();
        Duration d = delay.compareTo(max) > 0 ? max : delay;
        try {
            driver.nack(message, d);
        } catch (RuntimeException e) {
            log.warn("could not delay the redelivery of {} by {} ms (needs sqs:ChangeMessageVisibility): {};"
                    + " it comes back when its visibility timeout ends", message.messageId(), d.toMillis(), e.toString());
        }
    }
}
