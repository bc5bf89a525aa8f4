package dev.sluice.samples.importer;

import dev.sluice.DataHandler;
import dev.sluice.Delivery;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Handles {@code import.chunk}: validates each row, writes the valid ones in one transaction, records the
 * chunk in the {@link ImportLedger}, and, when it was the import's last chunk, emits
 * {@code import.completed}. A bad row is a finding for the report, not a failure of the job; a deadlock
 * is a failure, and the chunk is retried (the upsert makes a retry harmless).
 */
public final class ChunkHandler implements DataHandler<ImportChunk> {
    private final CustomerDatabase database;
    private final ImportLedger ledger;
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger maxRunning = new AtomicInteger();

    public ChunkHandler(CustomerDatabase database, ImportLedger ledger) {
        this.database = database;
        this.ledger = ledger;
    }

    @Override
    public void handle(ImportChunk chunk, Delivery delivery) throws Exception {
        maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
        try {
            List<Customer> valid = new ArrayList<>(chunk.rows().size());
            List<String> rejections = new ArrayList<>();
            for (int i = 0; i < chunk.rows().size(); i++) {
                int line = chunk.firstLine() + i;
                String[] f = chunk.rows().get(i).split(",", -1);
                String problem = problem(f);
                if (problem == null) {
                    valid.add(new Customer(f[0], f[1], f[2], f[3], Integer.parseInt(f[4])));
                } else {
                    rejections.add("line " + line + ": " + problem);
                }
            }
            database.upsert(chunk.index(), valid);
            boolean last = ledger.record(new ImportLedger.ChunkResult(chunk.importId(), chunk.index(), chunk.chunks(),
                    valid.size(), rejections));
            if (last) delivery.emit(ImportSample.COMPLETED, new ImportSample.Completed(chunk.importId()));
        } finally {
            running.decrementAndGet();
        }
    }

    /** The most chunks handled at once so far. */
    public int maxParallel() {
        return maxRunning.get();
    }

    /** What is wrong with a row, or null. */
    static String problem(String[] f) {
        if (f.length != 5) return "expected 5 fields, found " + f.length;
        if (f[0].isBlank()) return "no id";
        if (!f[2].matches("[^@\\s]+@[^@\\s]+")) return "'" + f[2] + "' is not an e-mail address";
        if (f[3].isBlank()) return "no country";
        if (!f[4].matches("\\d{1,9}")) return "credit '" + f[4] + "' is not a whole number";
        return null;
    }
}
