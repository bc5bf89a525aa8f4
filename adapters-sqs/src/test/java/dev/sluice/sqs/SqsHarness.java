package dev.sluice.sqs;

import dev.sluice.QueueSpec;
import dev.sluice.core.Sluice;
import dev.sluice.testkit.ConformanceHarness;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The conformance harness for SQS on any real server: fresh queues named {@code <prefix><name>} (with
 * {@code .fifo} for the FIFO suite), real time, a 2 s lease. {@code afterClose} runs after the Sluice closes
 * (it stops an embedded server).
 */
final class SqsHarness implements ConformanceHarness {
    private final Sluice sluice;
    private final boolean fifo;
    private final String prefix;
    private final Runnable afterClose;

    SqsHarness(Sluice sluice, boolean fifo, String prefix, Runnable afterClose) {
        this.sluice = sluice;
        this.fifo = fifo;
        this.prefix = prefix;
        this.afterClose = afterClose;
    }

    @Override
    public Sluice sluice() {
        return sluice;
    }

    @Override
    public QueueSpec.Builder newQueue(String name, boolean ordered) {
        return QueueSpec.builder("sqs://" + prefix + name + (fifo ? ".fifo" : ""));
    }

    @Override
    public void advance(Duration duration) throws InterruptedException {
        TimeUnit.NANOSECONDS.sleep(duration.toNanos());
    }

    @Override
    public Duration shortLease() {
        return Duration.ofSeconds(2);
    }

    @Override
    public boolean virtualTime() {
        return false;
    }

    /** DeleteMessage with a receipt handle from an earlier receive fails as ReceiptHandleIsInvalid: NOT_FOUND. */
    @Override
    public StaleAck staleAck() {
        return StaleAck.REPORTED;
    }

    /** As the README's table: the client, the queue URL, SQS's own redrive. */
    @Override
    public Set<Class<?>> unwrapTypes() {
        return Set.of(SqsAsyncClient.class, String.class, SqsRedrive.class);
    }

    @Override
    public void close() {
        try {
            sluice.close();
        } finally {
            afterClose.run();
        }
    }
}
