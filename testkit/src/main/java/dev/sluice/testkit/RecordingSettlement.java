package dev.sluice.testkit;

import dev.sluice.pipeline.Settlement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A host's {@link Settlement} for tests of a {@link dev.sluice.pipeline.Pipeline}: records what the pipeline
 * asked, in order, as {@code "ack"}, {@code "dead-lettered"}, {@code "retry PT7S"} and {@code "lease PT30S"}.
 */
public final class RecordingSettlement implements Settlement {
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final boolean canExtendLeases;

    /** A settlement of a host that can extend leases (poller, Lambda). */
    public RecordingSettlement() {
        this(true);
    }

    /** @param canExtendLeases false for a host like Cloud Run push, which cannot */
    public RecordingSettlement(boolean canExtendLeases) {
        this.canExtendLeases = canExtendLeases;
    }

    /** What the pipeline asked so far. */
    public List<String> calls() {
        return List.copyOf(calls);
    }

    @Override
    public void ack() {
        calls.add("ack");
    }

    @Override
    public void deadLettered() {
        calls.add("dead-lettered");
    }

    @Override
    public void retry(Duration delay) {
        calls.add("retry " + delay);
    }

    @Override
    public boolean extendLease(Duration lease) {
        calls.add("lease " + lease);
        return canExtendLeases;
    }
}
