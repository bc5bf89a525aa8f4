package dev.sluice.samples.importer;

import dev.sluice.Interceptor;
import dev.sluice.OutgoingEvent;
import dev.sluice.Publisher;
import dev.sluice.QueueSpec;
import dev.sluice.RetryPolicy;
import dev.sluice.core.Sluice;
import dev.sluice.samples.Progress;
import dev.sluice.samples.SampleQueues;
import dev.sluice.worker.Worker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Sample 4, a batch import: a CSV of 10,000 customers is split into 40 chunk jobs of 250 rows, handled
 * at most 4 at a time (the queue's {@code concurrency}), and the last chunk triggers the report.
 *
 * <p>Run it: {@code mvn -q -pl samples exec:java -Dexec.mainClass=dev.sluice.samples.importer.ImportSample}.
 * On SQS or Pub/Sub: set {@code SLUICE_QUEUE_IMPORT_URI}.
 */
public final class ImportSample implements AutoCloseable {
    public static final String QUEUE = "import";
    public static final String CHUNK = "import.chunk";
    public static final String COMPLETED = "import.completed";
    public static final int ROWS = 10_000;
    public static final int ROWS_PER_CHUNK = 250;

    /** The data of {@code import.completed}. */
    public record Completed(String importId) {
    }

    private final Sluice sluice;
    private final QueueSpec spec;
    private final ChunkHandler chunks;
    private final CompletableFuture<ImportReport> report = new CompletableFuture<>();
    private final Worker worker;

    public ImportSample(Sluice sluice, QueueSpec spec, CustomerDatabase database, Interceptor... interceptors) {
        this.sluice = sluice;
        this.spec = spec;
        ImportLedger ledger = new ImportLedger();
        this.chunks = new ChunkHandler(database, ledger);
        Worker.Builder builder = sluice.worker(spec)
                .on(CHUNK, ImportChunk.class, chunks)
                .on(COMPLETED, Completed.class, (done, delivery) ->
                        report.complete(ledger.report(done.importId(), chunks.maxParallel())));
        for (Interceptor i : interceptors) builder.interceptor(i);
        this.worker = builder.start();
    }

    /** The sample's queue: 4 chunks at once, 5 attempts, backoff from 1 s. */
    public static QueueSpec spec() {
        return QueueSpec.builder("mem://" + QUEUE)
                .concurrency(4)
                .maxDeliveryAttempts(5)
                .retryPolicy(RetryPolicy.exponential(Duration.ofSeconds(1)).jitter(0).build())
                .build();
    }

    public static QueueSpec spec(SampleQueues config) {
        return config.spec(QUEUE, spec());
    }

    /** Splits {@code csv} into chunk jobs and publishes them; returns the number of chunks. */
    public int publish(String importId, Path csv) throws java.io.IOException {
        List<ImportChunk> parts = CsvSplitter.split(importId, csv, ROWS_PER_CHUNK);
        Publisher publisher = sluice.publisher(spec.uri());
        publisher.publishAll(parts.stream().map(c -> OutgoingEvent.of(publisher.event(CHUNK, c))).toList()).join();
        return parts.size();
    }

    /** The report, once the last chunk is in. */
    public CompletableFuture<ImportReport> report() {
        return report;
    }

    public QueueSpec queueSpec() {
        return spec;
    }

    @Override
    public void close() {
        worker.close();
    }

    /** Generates the CSV, imports it, prints the report. */
    public static void main(String[] args) throws Exception {
        QueueSpec spec = spec(SampleQueues.fromSystem());
        Progress progress = new Progress();
        Path csv = CustomerCsv.write(Files.createTempFile("sluice-customers-", ".csv"), CustomerCsv.generate(ROWS, new Random(11)));
        try (Sluice sluice = progress.countPublishes(Sluice.builder()).build()) {
            CustomerDatabase database = new CustomerDatabase(sluice.scheduler(), Duration.ofMillis(150), new Random(13), 0.05);
            try (ImportSample sample = new ImportSample(sluice, spec, database, progress)) {
                int n = sample.publish("import-1", csv);
                System.out.println("Split " + csv + " (" + ROWS + " rows) into " + n + " chunk jobs on " + spec.uri());
                ImportReport r = sample.report().get(2, TimeUnit.MINUTES);
                progress.awaitIdle(Duration.ofMinutes(1));
                System.out.println(progress.line());
                System.out.println(r);
            }
        } finally {
            Files.deleteIfExists(csv);
        }
    }
}
