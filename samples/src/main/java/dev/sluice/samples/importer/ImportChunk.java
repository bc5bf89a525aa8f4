package dev.sluice.samples.importer;

import java.util.List;

/**
 * The data of an {@code import.chunk} job: a slice of the file's rows. The rows travel in the message
 * (250 rows are about 14 KB, far below every broker's limit); for files too big for that, a chunk would
 * carry the file's object-store key and a byte range instead.
 *
 * @param importId  the import this chunk belongs to
 * @param index     this chunk's number, 0-based
 * @param chunks    how many chunks the import has
 * @param firstLine the file line number of the first row (the header is line 1)
 * @param rows      the CSV rows
 */
public record ImportChunk(String importId, int index, int chunks, int firstLine, List<String> rows) {

    public ImportChunk {
        rows = List.copyOf(rows);
    }
}
