package dev.sluice.console;

import dev.sluice.QueueSpec;
import dev.sluice.micrometer.SluiceMetrics;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@link OutcomeTotals} of a {@link SluiceMetrics} (the Sluice whose work it records must be the console's):
 * handled is what was acked, failed what was scheduled for a retry or dead-lettered. Needs {@code sluice-micrometer}
 * on the class path (an optional dependency of the console: nothing else here needs Micrometer).
 */
public final class MicrometerTotals implements OutcomeTotals {
    private final SluiceMetrics metrics;

    private MicrometerTotals(SluiceMetrics metrics) {
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    /** The totals {@code metrics} counts. */
    public static OutcomeTotals of(SluiceMetrics metrics) {
        return new MicrometerTotals(metrics);
    }

    @Override
    public Optional<Totals> of(QueueSpec queue) {
        SluiceMetrics.Settled s = metrics.settled(queue.uri());
        return Optional.of(new Totals(s.acked(), s.retried() + s.deadLettered()));
    }
}
