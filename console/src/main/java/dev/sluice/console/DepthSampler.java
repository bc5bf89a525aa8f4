package dev.sluice.console;

import dev.sluice.QueueDepth;
import dev.sluice.QueueStats;
import dev.sluice.core.Sluice;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every queue's depth and its DLQ's depth every interval ({@code Sluice.stats}) into a bounded ring per
 * queue holding the last hour, for the overview's charts. A failed read is a gap (logged once per queue until a
 * read works again), never an end.
 */
final class DepthSampler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DepthSampler.class);
    static final Duration WINDOW = Duration.ofHours(1);

    /** One reading; a count the broker did not give is -1. */
    record Sample(long depth, long deadLetters) {
    }

    private final Sluice sluice;
    private final List<ConsoleQueue> queues;
    private final int capacity;
    private final Map<String, Ring> rings = new ConcurrentHashMap<>();
    private final Map<String, Boolean> failing = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sluice-console-sampler");
        t.setDaemon(true);
        return t;
    });

    DepthSampler(Sluice sluice, List<ConsoleQueue> queues, Duration interval) {
        this.sluice = sluice;
        this.queues = List.copyOf(queues);
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

    void sampleAll() {
        for (ConsoleQueue q : queues) {
            try {
                QueueStats s = sluice.stats(q.spec());
                rings.get(q.name()).add(new Sample(count(s.queue()), count(s.deadLetterQueue())));
                if (failing.remove(q.name()) != null) log.info("console: depth of {} readable again", q.name());
            } catch (RuntimeException e) {
                rings.get(q.name()).add(new Sample(-1, -1));
                if (failing.put(q.name(), Boolean.TRUE) == null) {
                    log.warn("console: cannot read the depth of {}: {}", q.name(), e.toString());
                }
            }
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
