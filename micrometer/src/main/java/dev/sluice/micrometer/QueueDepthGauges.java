package dev.sluice.micrometer;

import dev.sluice.QueueDepth;
import dev.sluice.QueueSpec;
import dev.sluice.QueueStats;
import dev.sluice.Scheduler;
import dev.sluice.core.Sluice;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gauges of a queue's and its dead-letter queue's depth, read through {@code sluice.stats(spec)}: the signal
 * for autoscaling and for the alerts (a dead letter waiting, a message growing old, a backlog without
 * progress). The broker is asked at most once per {@code refresh}, however often the gauges are read; a
 * reading the broker cannot give (SQS's oldest age, all of Pub/Sub's) or a failed call shows as NaN.
 *
 * <table>
 *   <caption>Gauges</caption>
 *   <tr><th>name</th><th>tags</th></tr>
 *   <tr><td>{@value #MESSAGES}</td><td>{@code sluice.state}: visible, in_flight, delayed</td></tr>
 *   <tr><td>{@value #OLDEST_AGE} (seconds)</td><td></td></tr>
 * </table>
 * Each carries the queue's {@code messaging.system} and {@code messaging.destination.name}, and
 * {@code sluice.queue.role}: {@code source} or {@code dead_letter}.
 */
public final class QueueDepthGauges {
    private static final Logger log = LoggerFactory.getLogger(QueueDepthGauges.class);

    /** Sluice: messages in a queue, by state. */
    public static final String MESSAGES = "sluice.queue.messages";
    /** Sluice: age of a queue's oldest message. */
    public static final String OLDEST_AGE = "sluice.queue.oldest.age";
    /** The default longest time between two broker calls. */
    public static final Duration DEFAULT_REFRESH = Duration.ofSeconds(10);

    private final Supplier<QueueStats> stats;
    private final Scheduler clock;
    private final Duration refresh;
    private QueueStats last;
    private Instant readAt;

    private QueueDepthGauges(Supplier<QueueStats> stats, Scheduler clock, Duration refresh) {
        this.stats = stats;
        this.clock = clock;
        this.refresh = refresh;
    }

    /** Registers the gauges of {@code spec}'s queue and dead-letter queue, reading at most every {@link #DEFAULT_REFRESH}. */
    public static void register(MeterRegistry registry, Sluice sluice, QueueSpec spec) {
        register(registry, sluice, spec, DEFAULT_REFRESH);
    }

    /** Registers the gauges of {@code spec}'s queue and dead-letter queue, reading at most every {@code refresh}. */
    public static void register(MeterRegistry registry, Sluice sluice, QueueSpec spec, Duration refresh) {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(spec, "spec");
        QueueDepthGauges reading = new QueueDepthGauges(() -> sluice.stats(spec), sluice.scheduler(),
                Objects.requireNonNull(refresh, "refresh"));
        QueueStats first = reading.read();
        URI dlq = first != null ? first.deadLetterQueue().queue() : sluice.open(spec).deadLetterQueue().uri();
        reading.bind(registry, spec.uri(), "source", QueueStats::queue);
        reading.bind(registry, dlq, "dead_letter", QueueStats::deadLetterQueue);
    }

    /** Binds the gauges; they hold this reading strongly (Micrometer's default, a weak reference, would lose it). */
    private void bind(MeterRegistry registry, URI queue, String role, Function<QueueStats, QueueDepth> which) {
        List<Tag> tags = List.of(Tag.of(Tags.SYSTEM, Tags.system(queue)), Tag.of(Tags.DESTINATION, Tags.destination(queue)),
                Tag.of("sluice.queue.role", role));
        gauge(registry, tags, "visible", d -> d.visible(), which);
        gauge(registry, tags, "in_flight", d -> d.inFlight(), which);
        gauge(registry, tags, "delayed", d -> d.delayed(), which);
        Gauge.builder(OLDEST_AGE, this, g -> {
                    QueueStats s = g.read();
                    return s == null ? Double.NaN : which.apply(s).oldestAge().map(a -> a.toMillis() / 1000.0).orElse(Double.NaN);
                })
                .description("age of the oldest message in the queue, where the broker tells it")
                .baseUnit("seconds").tags(tags).strongReference(true).register(registry);
    }

    private void gauge(MeterRegistry registry, List<Tag> tags, String state, Function<QueueDepth, OptionalLong> count,
                       Function<QueueStats, QueueDepth> which) {
        Gauge.builder(MESSAGES, this, g -> {
                    QueueStats s = g.read();
                    if (s == null) return Double.NaN;
                    OptionalLong n = count.apply(which.apply(s));
                    return n.isPresent() ? n.getAsLong() : Double.NaN;
                })
                .description("messages in the queue, by state, as the broker reports them")
                .tags(tags).tag("sluice.state", state).strongReference(true).register(registry);
    }

    /** The last reading, refreshed when older than {@code refresh}; null when the broker could not be read. */
    synchronized QueueStats read() {
        Instant now = clock.now();
        if (readAt == null || !now.isBefore(readAt.plus(refresh))) {
            readAt = now;
            try {
                last = stats.get();
            } catch (RuntimeException e) {
                log.debug("queue depth could not be read: {}", e.toString());
                last = null;
            }
        }
        return last;
    }
}
