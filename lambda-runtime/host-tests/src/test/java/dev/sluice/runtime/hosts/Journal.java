package dev.sluice.runtime.hosts;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/** What the contract's handlers did, in order (in-process hosts only). */
public final class Journal {
    /**
     * One handler run.
     *
     * @param seq          when, on the {@link BrokerLog}'s sequence (so a run can be ordered against broker calls)
     * @param eventId      the event's id
     * @param act          what the job asked for
     * @param attempt      {@code Delivery.attempt()}, 0 where the host does not count
     * @param leaseExtended what {@code Delivery.extendLease} answered ({@code slow} jobs only), else null
     */
    public record Run(long seq, String eventId, String act, int attempt, Boolean leaseExtended) {
    }

    private final LongSupplier sequence;
    private final List<Run> runs = new CopyOnWriteArrayList<>();

    Journal(LongSupplier sequence) {
        this.sequence = sequence;
    }

    Journal() {
        this(new AtomicLong()::incrementAndGet);
    }

    long next() {
        return sequence.getAsLong();
    }
    private final List<String> interrupted = new CopyOnWriteArrayList<>();

    void ran(Run run) {
        runs.add(run);
    }

    void interrupted(String eventId) {
        interrupted.add(eventId);
    }

    public List<Run> runs() {
        return List.copyOf(runs);
    }

    public List<Run> runs(String eventId) {
        return runs.stream().filter(r -> r.eventId().equals(eventId)).toList();
    }

    public List<String> interrupted() {
        return List.copyOf(interrupted);
    }
}
