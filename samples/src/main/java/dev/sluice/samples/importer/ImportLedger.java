package dev.sluice.samples.importer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What each import's chunks came to, kept by chunk number, so that a chunk handled twice (a redelivery)
 * is counted once. Knows when an import's last chunk is in: {@link #record} says so exactly once.
 * (In production: a table keyed by import id and chunk number.)
 */
public final class ImportLedger {

    /** One chunk's result. */
    public record ChunkResult(String importId, int index, int chunks, int imported, List<String> rejections) {
        public ChunkResult {
            rejections = List.copyOf(rejections);
        }
    }

    private final Map<String, Map<Integer, ChunkResult>> imports = new HashMap<>();
    private final Map<String, Boolean> completed = new HashMap<>();

    /** Records a chunk's result; true when this made the import complete (once per import). */
    public synchronized boolean record(ChunkResult result) {
        Map<Integer, ChunkResult> chunks = imports.computeIfAbsent(result.importId(), k -> new TreeMap<>());
        chunks.put(result.index(), result);
        if (chunks.size() == result.chunks() && !completed.containsKey(result.importId())) {
            completed.put(result.importId(), true);
            return true;
        }
        return false;
    }

    /** The report of {@code importId} so far. */
    public synchronized ImportReport report(String importId, int maxParallel) {
        Map<Integer, ChunkResult> chunks = imports.getOrDefault(importId, Map.of());
        int imported = 0;
        int rejected = 0;
        List<String> errors = new ArrayList<>();
        int total = 0;
        for (ChunkResult r : chunks.values()) {
            total = r.chunks();
            imported += r.imported();
            rejected += r.rejections().size();
            for (String e : r.rejections()) if (errors.size() < 5) errors.add(e);
        }
        return new ImportReport(importId, total, imported + rejected, imported, rejected, errors, maxParallel);
    }
}
