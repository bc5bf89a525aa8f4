package dev.sluice.pipeline;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A settlement that records what the pipeline asked of the host, in order: {@code ack}, {@code retry PT7S}, {@code lease PT30S}. */
final class RecordingSettlement implements Settlement {
    final List<String> calls = new CopyOnWriteArrayList<>();
    private final boolean canExtend;

    RecordingSettlement(boolean canExtend) {
        this.canExtend = canExtend;
    }

    RecordingSettlement() {
        this(true);
    }

    @Override
    public void ack() {
        calls.add("ack");
    }

    @Override
    public void retry(Duration delay) {
        calls.add("retry " + delay);
    }

    @Override
    public boolean extendLease(Duration lease) {
        calls.add("lease " + lease);
        return canExtend;
    }
}
