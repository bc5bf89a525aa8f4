package dev.sluice.samples.importer;

import java.util.List;

/**
 * The result of one import.
 *
 * @param importId     the import
 * @param chunks       chunk jobs it was split into
 * @param rows         rows read (imported + rejected)
 * @param imported     rows written to the database
 * @param rejected     rows refused by validation
 * @param firstErrors  the first few rejections, by line
 * @param maxParallel  the most chunks that were being processed at once
 */
public record ImportReport(String importId, int chunks, int rows, int imported, int rejected, List<String> firstErrors,
                           int maxParallel) {

    public ImportReport {
        firstErrors = List.copyOf(firstErrors);
    }
}
