package dev.sluice.console;

import dev.sluice.QueueSpec;
import java.util.Optional;

/**
 * Where the console reads each queue's running totals of handled and failed deliveries, to show rates (handled and
 * failed per minute over the last sampling interval) on the overview. Read once per interval, alongside depth; the
 * totals only ever grow (a total that shrinks, as after a restart, gives no rate for that interval). With
 * {@code sluice-micrometer}: {@link MicrometerTotals#of}.
 */
@FunctionalInterface
public interface OutcomeTotals {

    /** The totals of {@code queue} so far, or empty when they are not counted. Called on the console's sampling thread. */
    Optional<Totals> of(QueueSpec queue);

    /**
     * Deliveries settled so far.
     *
     * @param handled handled successfully (acked)
     * @param failed  failed: scheduled for a retry or dead-lettered
     */
    record Totals(long handled, long failed) {
        public Totals {
            if (handled < 0 || failed < 0) {
                throw new IllegalArgumentException("totals are counts, at least 0: handled " + handled + ", failed " + failed);
            }
        }
    }
}
