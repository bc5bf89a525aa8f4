package dev.sluice.samples.importer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Splits a CSV file (with a header line) into chunk jobs of at most {@code rowsPerChunk} rows. */
public final class CsvSplitter {
    private CsvSplitter() {
    }

    public static List<ImportChunk> split(String importId, Path csv, int rowsPerChunk) throws IOException {
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        List<String> rows = lines.subList(1, lines.size());
        int chunks = (rows.size() + rowsPerChunk - 1) / rowsPerChunk;
        List<ImportChunk> out = new ArrayList<>(chunks);
        for (int c = 0; c < chunks; c++) {
            int from = c * rowsPerChunk;
            List<String> slice = rows.subList(from, Math.min(rows.size(), from + rowsPerChunk));
            out.add(new ImportChunk(importId, c, chunks, from + 2, new ArrayList<>(slice)));
        }
        return out;
    }
}
