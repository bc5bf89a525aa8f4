package dev.sluice.samples.importer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.Sluice;
import dev.sluice.samples.VirtualTime;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImportSampleTest {

    @Test
    void tenThousandRowsInFortyChunksWithBoundedConcurrencyAndAFinalReport(@TempDir Path dir) throws Exception {
        List<String> lines = CustomerCsv.generate(ImportSample.ROWS, new Random(11));
        Path csv = CustomerCsv.write(dir.resolve("customers.csv"), lines);
        long badRows = lines.stream().skip(1).map(l -> l.split(",", -1))
                .filter(f -> !f[2].contains("@") || f[3].isEmpty() || !f[4].chars().allMatch(Character::isDigit))
                .count();
        long dbSeed = new Random(13).nextLong();
        int chunks = ImportSample.ROWS / ImportSample.ROWS_PER_CHUNK;
        int expectedRetries = 0;
        for (int c = 0; c < chunks; c++) {
            for (int n = 1; CustomerDatabase.deadlocks(dbSeed, c, n, 0.05); n++) expectedRetries++;
        }

        VirtualTime time = new VirtualTime();
        ImportReport report;
        CustomerDatabase db;
        try (Sluice sluice = time.sluice()) {
            db = new CustomerDatabase(time.clock, Duration.ofMillis(150), new Random(13), 0.05);
            try (ImportSample sample = new ImportSample(sluice, ImportSample.spec(), db, time.progress)) {
                assertThat(sample.publish("import-1", csv)).isEqualTo(chunks);
                time.runUntilIdle();
                report = sample.report().get(10, TimeUnit.SECONDS);
            }
        }

        assertThat(report.rows()).isEqualTo(10_000);
        assertThat(report.chunks()).isEqualTo(40);
        assertThat(report.rejected()).isEqualTo(badRows).isPositive();
        assertThat(report.imported()).isEqualTo(10_000 - badRows).isEqualTo(db.size());
        assertThat(report.maxParallel()).isBetween(1, ImportSample.spec().concurrency());
        assertThat(time.progress.handler(ImportSample.CHUNK).succeeded()).isEqualTo(40);
        assertThat(time.progress.handler(ImportSample.CHUNK).retries()).isEqualTo(expectedRetries);
        assertThat(time.progress.handler(ImportSample.COMPLETED).succeeded()).isEqualTo(1);
    }
}
