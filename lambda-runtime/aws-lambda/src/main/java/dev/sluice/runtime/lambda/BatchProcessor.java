package dev.sluice.runtime.lambda;

import dev.sluice.pipeline.DriverSettlement;
import dev.sluice.pipeline.Pipeline;
import dev.sluice.sqs.SqsLambdaEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a batch of SQS records through their queues' pipelines and returns the ids of the records that must
 * come back (the batch item failures). The pipeline decides and settles each record through a
 * {@link DriverSettlement}: an acked record is left out of the batch item failures (Lambda deletes it), a
 * retried one is reported with its visibility timeout set to the delay, which is the backoff. This class only
 * orders the work. Records of a standard queue run in parallel; on
 * a FIFO queue the batch stops at the first failure, and every later record is given back unhandled
 * ({@link Pipeline#release}: it does not count as an attempt) and reported, so that the order within each
 * group is kept. A record not yet started when less than {@link #MARGIN} of the invocation's time is left
 * is given back too: a timeout would return the whole batch, handled records included. Nothing a handler
 * does fails the batch; only a host misconfiguration does (a record of a queue that is not configured), and
 * then before any record is handled.
 */
final class BatchProcessor {
    private static final Logger log = LoggerFactory.getLogger(BatchProcessor.class);
    static final long MARGIN = 2_000;

    private final QueueResolver queues;
    private final ExecutorService workers;

    BatchProcessor(QueueResolver queues, ExecutorService workers) {
        this.queues = queues;
        this.workers = workers;
    }

    /** @param deadline {@link System#nanoTime()} by which the invocation must have answered */
    List<String> process(List<SqsLambdaEvent.Record> records, long deadline) {
        if (records.isEmpty()) return List.of();
        records.forEach(queues::resolve); // a record of an unconfigured queue fails the invocation before any is handled
        return records.get(0).fromFifoQueue() ? inOrder(records, deadline) : inParallel(records, deadline);
    }

    private List<String> inOrder(List<SqsLambdaEvent.Record> records, long deadline) {
        List<String> failures = new ArrayList<>();
        boolean stopped = false;
        for (SqsLambdaEvent.Record r : records) {
            if (stopped) {
                giveBack(r);
                failures.add(r.message().messageId());
            } else if (!run(r, deadline)) {
                stopped = true;
                failures.add(r.message().messageId());
            }
        }
        if (failures.size() > 1) {
            log.info("FIFO batch stopped at record {}; {} later records are given back unhandled", failures.get(0),
                    failures.size() - 1);
        }
        return failures;
    }

    private List<String> inParallel(List<SqsLambdaEvent.Record> records, long deadline) {
        List<Future<Boolean>> results = new ArrayList<>(records.size());
        for (SqsLambdaEvent.Record r : records) results.add(workers.submit(() -> run(r, deadline)));
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            String id = records.get(i).message().messageId();
            try {
                if (!results.get(i).get()) failures.add(id);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failures.add(id);
            } catch (ExecutionException e) {
                log.error("record {} failed in the host; it will be redelivered", id, e.getCause());
                failures.add(id);
            }
        }
        return failures;
    }

    /** True when the record is done with (acked, or dead-lettered then acked). */
    private boolean run(SqsLambdaEvent.Record record, long deadline) {
        if (deadline - System.nanoTime() < MARGIN * 1_000_000) {
            log.warn("record {} not started: the invocation's time is nearly up; it will be redelivered",
                    record.message().messageId());
            giveBack(record);
            return false;
        }
        Pipeline pipeline = queues.resolve(record);
        AtomicBoolean acked = new AtomicBoolean();
        Runnable ack = () -> acked.set(true); // SQS ends a dead-lettered record the same way: deleted
        pipeline.process(record.message(), new DriverSettlement(pipeline.source(), record.message(), ack, ack));
        return acked.get();
    }

    private void giveBack(SqsLambdaEvent.Record record) {
        Pipeline pipeline = queues.resolve(record);
        pipeline.release(record.message(), new DriverSettlement(pipeline.source(), record.message(), () -> { }, () -> { }));
    }
}
