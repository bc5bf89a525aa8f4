package dev.sluice.console;

import dev.sluice.ErrorCode;
import dev.sluice.QueueDepth;
import dev.sluice.QueueStats;
import dev.sluice.Redaction;
import dev.sluice.SluiceException;
import dev.sluice.core.Sluice;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every queue's depth and its DLQ's depth every interval ({@code Sluice.stats}), and the handled and failed
 * totals when {@link OutcomeTotals} are given, into a bounded ring per queue holding the last hour, for the overview's
 * charts and rates. A failed read is a gap (logged once per queue, with the queue's redacted URI, until a read works
 * again), never an end; the page shows only its {@link ErrorCode}.
 */
final class DepthSampler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DepthSampler.class);
    static final Duration WINDOW = Duration.ofHours(1);

    /**
     * One reading; a count not known (the broker did not give it, the read failed, no totals) is -1.
     *
     * @param handled the handled total so far, or -1
     * @param failed  the failed total so far, or -1
     */
    record Sample(Instant at, long depth, long deadLetters, long handled, long failed) {
    }

    /** Handled and failed per minute over one sampling interval. */
    record Rates(double handled, double failed) {
    }

    /**
     * The rates between the last two samples of {@code samples} (oldest first), from the totals' deltas; empty when
     * either lacks totals or a total shrank (counters reset).
     */
    static Optional<Rates> rates(List<Sample> samples) {
        if (samples.size() < 2) return Optional.empty();
        Sample a = samples.get(samples.size() - 2);
        Sample b = samples.get(samples.size() - 1);
        long millis = Duration.between(a.at(), b.at()).toMillis();
        if (a.handled() < 0 || a.failed() < 0 || b.handled() < a.handled() || b.failed() < a.failed() || millis <= 0) {
            return Optional.empty();
        }
        double perMinute = 60_000.0 / millis;
        return Optional.of(new Rates((b.handled() - a.handled()) * perMinute, (b.failed() - a.failed()) * perMinute));
    }

    /** What one read of a queue's stats gave: the stats, or the error class of the failure. */
    record Reading(Optional<QueueStats> stats, ErrorCode error) {
        static Reading of(QueueStats s) {
            return new Reading(Optional.of(s), null);
        }
    }

    private final Sluice sluice;
    private final List<ConsoleQueue> queues;
    private final OutcomeTotals totals;
    private final Clock clock;
    private final int capacity;
    private final Map<String, Ring> rings = new ConcurrentHashMap<>();
    private final Map<String, Boolean> failing = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sluice-console-sampler");
        t.setDaemon(true);
        return t;
    });

    /** @param totals where handled and failed totals come from, or null */
    DepthSampler(Sluice sluice, List<ConsoleQueue> queues, Duration interval, OutcomeTotals totals, Clock clock) {
        this.sluice = sluice;
        this.queues = List.copyOf(queues);
        this.totals = totals;
        this.clock = clock;
        this.capacity = (int) Math.max(2, WINDOW.toMillis() / interval.toMillis());
        queues.forEach(q -> rings.put(q.name(), new Ring(capacity)));
        timer.scheduleWithFixedDelay(this::sampleAll, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The samples of {@code queue}, oldest first (at most an hour's worth). */
    List<Sample> samples(String queue) {
        Ring r = rings.get(queue);
        return r == null ? List.of() : r.snapshot();
    }

    int capacity() {
        return capacity;
    }

    /** Whether handled and failed totals are read (then the overview shows rates). */
    boolean countsOutcomes() {
        return totals != null;
    }

    /**
     * Reads {@code q}'s stats now. A failure is logged (once until a read works again: the sampler reads every
     * interval) with the queue's redacted URI and the broker's message; the caller gets only the error class.
     */
    Reading read(ConsoleQueue q) {
        try {
            QueueStats s = sluice.stats(q.spec());
            if (failing.remove(q.name()) != null) log.info("console: the depth of {} is readable again", q.name());
            return Reading.of(s);
        } catch (RuntimeException e) {
            ErrorCode code = e instanceof SluiceException se ? se.code() : ErrorCode.UNKNOWN;
            if (failing.put(q.name(), Boolean.TRUE) == null) {
                log.warn("console: cannot read the depth of {} ({}): {}: {}", q.name(), Redaction.uri(q.spec().uri()), code, e.toString());
            }
            return new Reading(Optional.empty(), code);
        }
    }

    void sampleAll() {
        for (ConsoleQueue q : queues) {
            Instant at = clock.instant();
            Reading r = read(q);
            long depth = r.stats().map(s -> count(s.queue())).orElse(-1L);
            long dead = r.stats().map(s -> count(s.deadLetterQueue())).orElse(-1L);
            Optional<OutcomeTotals.Totals> t = outcomes(q);
            rings.get(q.name()).add(new Sample(at, depth, dead, t.map(OutcomeTotals.Totals::handled).orElse(-1L),
                    t.map(OutcomeTotals.Totals::failed).orElse(-1L)));
        }
    }

    private Optional<OutcomeTotals.Totals> outcomes(ConsoleQueue q) {
        if (totals == null) return Optional.empty();
        try {
            return totals.of(q.spec());
        } catch (RuntimeException e) {
            log.warn("console: reading the handled and failed totals of {} failed", q.name(), e);
            return Optional.empty();
        }
    }

    /** Messages waiting: the total when the broker gives it, else the visible count, else -1. */
    static long count(QueueDepth d) {
        OptionalLong total = d.total();
        if (total.isPresent()) return total.getAsLong();
        return d.visible().orElse(-1);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    /** A fixed-size ring of samples. */
    private static final class Ring {
        private final Sample[] slots;
        private int next;
        private int size;

        Ring(int capacity) {
            slots = new Sample[capacity];
        }

        synchronized void add(Sample s) {
            slots[next] = s;
            next = (next + 1) % slots.length;
            size = Math.min(size + 1, slots.length);
        }

        synchronized List<Sample> snapshot() {
            List<Sample> out = new ArrayList<>(size);
            for (int i = 0; i < size; i++) out.add(slots[(next - size + i + slots.length) % slots.length]);
            return out;
        }
    }
}
