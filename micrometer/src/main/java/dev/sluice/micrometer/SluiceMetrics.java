package dev.sluice.micrometer;

import dev.sluice.Outcome;
import dev.sluice.observe.SluiceEvent;
import dev.sluice.observe.SluiceListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Records Sluice's work as Micrometer meters: register it with {@code Sluice.builder().listener(metrics)}.
 * Every meter is tagged with the queue ({@code messaging.system}, {@code messaging.destination.name}); those
 * about messages also with the CloudEvent type ({@code cloudevents.event_type}, unless
 * {@link Builder#eventTypeTag(boolean) turned off}).
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>kind</th><th>from</th><th>extra tags</th></tr>
 *   <tr><td>{@value #SENT}</td><td>counter</td><td>a publish the broker took</td><td>operation {@code send}</td></tr>
 *   <tr><td>{@value #CONSUMED}</td><td>counter</td><td>a delivery entering the pipeline</td><td>operation {@code receive}</td></tr>
 *   <tr><td>{@value #PROCESS_DURATION}</td><td>timer (histogram; client-side percentiles when {@link Builder#percentiles(double...) asked for})</td><td>interceptors and handler</td><td>operation {@code process}, outcome</td></tr>
 *   <tr><td>{@value #HANDLED}</td><td>counter</td><td>the settlement of a delivery</td><td>outcome: ack, retry, dead_letter</td></tr>
 *   <tr><td>{@value #END_TO_END}</td><td>timer (histogram)</td><td>the event's {@code time} to its successful handling</td><td></td></tr>
 *   <tr><td>{@value #ATTEMPTS}</td><td>distribution summary</td><td>attempts a message took, when acked or dead-lettered</td><td>outcome</td></tr>
 *   <tr><td>{@value #ACTIVE}</td><td>gauge</td><td>handlers running now</td><td></td></tr>
 *   <tr><td>{@value #RELEASED}</td><td>counter</td><td>deliveries given back unhandled</td><td></td></tr>
 *   <tr><td>{@value #LEASE_EXTENSIONS}</td><td>counter</td><td>lease extensions</td><td></td></tr>
 *   <tr><td>{@value #OPERATION_DURATION}</td><td>timer (histogram)</td><td>broker calls that succeeded (a receive's long poll included)</td><td>operation</td></tr>
 *   <tr><td>{@value #BROKER_ERRORS}</td><td>counter</td><td>broker calls failed for good</td><td>operation, {@code error.type}</td></tr>
 * </table>
 */
public final class SluiceMetrics implements SluiceListener {
    /** OpenTelemetry: messages a producer sent. */
    public static final String SENT = "messaging.client.sent.messages";
    /** OpenTelemetry: messages delivered to the application. */
    public static final String CONSUMED = "messaging.client.consumed.messages";
    /** OpenTelemetry: duration of processing. */
    public static final String PROCESS_DURATION = "messaging.process.duration";
    /** Sluice: deliveries settled, by outcome. */
    public static final String HANDLED = "sluice.handled.messages";
    /** Sluice: from the CloudEvent's {@code time} to the end of its successful handling. */
    public static final String END_TO_END = "sluice.end_to_end.duration";
    /** Sluice: attempts a message took. */
    public static final String ATTEMPTS = "sluice.delivery.attempts";
    /** Sluice: handlers running now. */
    public static final String ACTIVE = "sluice.handlers.active";
    /** Sluice: deliveries given back unhandled (behind a failed one of their key, or at shutdown). */
    public static final String RELEASED = "sluice.released.messages";
    /** Sluice: lease extensions. */
    public static final String LEASE_EXTENSIONS = "sluice.lease.extensions";
    /** OpenTelemetry: duration of a broker call (send, receive, ack) that succeeded. */
    public static final String OPERATION_DURATION = "messaging.client.operation.duration";
    /** Sluice: broker calls that failed for good. */
    public static final String BROKER_ERRORS = "sluice.broker.errors";

    private final MeterRegistry registry;
    private final boolean eventTypeTag;
    private final double[] percentiles;
    private final Map<Key, Counter> counters = new ConcurrentHashMap<>();
    private final Map<Key, Timer> timers = new ConcurrentHashMap<>();
    private final Map<Key, DistributionSummary> summaries = new ConcurrentHashMap<>();
    private final Map<URI, AtomicInteger> active = new ConcurrentHashMap<>();
    /**
     * The per-message meters of each queue and event type, found per event by two map lookups that build no key
     * (the meters themselves are registered once, through the maps above).
     */
    private final Map<URI, Map<String, AtomicReferenceArray<Meter>>> perMessage = new ConcurrentHashMap<>();

    /** The {@value #OPERATION_DURATION} timers of each queue, by {@link SluiceEvent.Operation} ordinal. */
    private final Map<URI, AtomicReferenceArray<Timer>> operationTimers = new ConcurrentHashMap<>();

    /** Slots of {@link #perMessage}: sent, consumed, then per outcome (ack, retry, dead letter) process, handled, attempts. */
    private static final int SENT_SLOT = 0;
    private static final int CONSUMED_SLOT = 1;
    private static final int END_TO_END_SLOT = 2;
    private static final int PROCESS_SLOT = 3;
    private static final int HANDLED_SLOT = 6;
    private static final int ATTEMPTS_SLOT = 9;
    private static final int SLOTS = 12;
    /** The outcome tag values, in the order of an outcome's slot offset. */
    private static final String[] OUTCOMES = {"ack", "retry", "dead_letter"};

    /** One meter's identity: its name and the values of its tags. */
    private record Key(String name, URI queue, String type, String outcome, String operation, String error) {
    }

    private SluiceMetrics(Builder b) {
        this.registry = b.registry;
        this.eventTypeTag = b.eventTypeTag;
        this.percentiles = b.percentiles.clone();
    }

    /** Metrics on {@code registry}. */
    public static Builder builder(MeterRegistry registry) {
        return new Builder(registry);
    }

    /** Metrics on {@code registry} with the defaults. */
    public static SluiceMetrics of(MeterRegistry registry) {
        return builder(registry).build();
    }

    /** The registry the meters are on. */
    public MeterRegistry registry() {
        return registry;
    }

    /**
     * Deliveries of one queue settled so far, by outcome, across event types (from the {@value #HANDLED} counters).
     *
     * @param acked        handled successfully
     * @param retried      failed and scheduled for a retry
     * @param deadLettered moved to the dead-letter queue
     */
    public record Settled(long acked, long retried, long deadLettered) {
    }

    /** What the {@value #HANDLED} counters of {@code queue} (a queue URI, as given to the worker) have counted so far. */
    public Settled settled(URI queue) {
        URI shown = URI.create(dev.sluice.Redaction.uri(queue));   // events carry the queue as shown (no secrets)
        long acked = 0;
        long retried = 0;
        long deadLettered = 0;
        for (Map.Entry<Key, Counter> e : counters.entrySet()) {
            Key k = e.getKey();
            if (!k.name().equals(HANDLED) || !k.queue().equals(shown)) continue;
            long n = (long) e.getValue().count();
            switch (k.outcome()) {
                case "ack" -> acked += n;
                case "retry" -> retried += n;
                default -> deadLettered += n;
            }
        }
        return new Settled(acked, retried, deadLettered);
    }

    @Override
    public void onEvent(SluiceEvent event) {
        if (event instanceof SluiceEvent.Published p) {
            ((Counter) meter(p.queue(), p.eventType(), SENT_SLOT)).increment();
        } else if (event instanceof SluiceEvent.Received r) {
            ((Counter) meter(r.queue(), r.eventType(), CONSUMED_SLOT)).increment();
        } else if (event instanceof SluiceEvent.HandlerStarted s) {
            active(s.queue()).incrementAndGet();
        } else if (event instanceof SluiceEvent.HandlerFinished f) {
            finished(f);
        } else if (event instanceof SluiceEvent.Acked a) {
            settled(a, 0);
        } else if (event instanceof SluiceEvent.RetryScheduled r) {
            settled(r, 1);
        } else if (event instanceof SluiceEvent.DeadLettered d) {
            settled(d, 2);
        } else if (event instanceof SluiceEvent.Released r) {
            counter(new Key(RELEASED, r.queue(), null, null, null, null)).increment();
        } else if (event instanceof SluiceEvent.LeaseExtended l) {
            counter(new Key(LEASE_EXTENSIONS, l.queue(), null, null, null, null)).increment();
        } else if (event instanceof SluiceEvent.BrokerCallCompleted c) {
            operationTimer(c.queue(), c.operation()).record(c.duration().toNanos(), TimeUnit.NANOSECONDS);
        } else if (event instanceof SluiceEvent.BrokerCallFailed f) {
            counter(new Key(BROKER_ERRORS, f.queue(), null, null, operation(f.operation()),
                    f.code().name().toLowerCase(Locale.ROOT))).increment(Math.max(1, f.messages()));
        }
    }

    private void finished(SluiceEvent.HandlerFinished f) {
        active(f.queue()).decrementAndGet();
        int outcome = outcomeIndex(f.outcome());
        ((Timer) meter(f.queue(), f.eventType(), PROCESS_SLOT + outcome)).record(f.duration().toNanos(), TimeUnit.NANOSECONDS);
        if (outcome == 0 && f.eventTime() != null) {
            ((Timer) meter(f.queue(), f.eventType(), END_TO_END_SLOT))
                    .record(nanosBetween(f.eventTime(), f.at()), TimeUnit.NANOSECONDS);
        }
    }

    /** Nanoseconds from {@code from} to {@code to}: zero when {@code to} is earlier, capped rather than overflowing. */
    static long nanosBetween(Instant from, Instant to) {
        long seconds = to.getEpochSecond() - from.getEpochSecond();
        if (seconds < 0) return 0;
        if (seconds >= Long.MAX_VALUE / 1_000_000_000L - 1) return Long.MAX_VALUE;
        return Math.max(0, seconds * 1_000_000_000L + (to.getNano() - from.getNano()));
    }

    private void settled(SluiceEvent.OnMessage m, int outcome) {
        ((Counter) meter(m.queue(), m.eventType(), HANDLED_SLOT + outcome)).increment();
        if (outcome != 1) ((DistributionSummary) meter(m.queue(), m.eventType(), ATTEMPTS_SLOT + outcome)).record(m.attempt());
    }

    /** The per-message meter in {@code slot} of a queue and event type, registered on first use. */
    private Meter meter(URI queue, String eventType, int slot) {
        String type = type(eventType);
        Map<String, AtomicReferenceArray<Meter>> types = perMessage.get(queue);
        if (types == null) types = perMessage.computeIfAbsent(queue, q -> new ConcurrentHashMap<>());
        AtomicReferenceArray<Meter> meters = types.get(type);
        if (meters == null) meters = types.computeIfAbsent(type, t -> new AtomicReferenceArray<>(SLOTS));
        Meter m = meters.get(slot);
        if (m == null) {
            m = register(queue, type, slot); // the same meter if two threads race: the maps below decide
            meters.set(slot, m);
        }
        return m;
    }

    private Timer operationTimer(URI queue, SluiceEvent.Operation operation) {
        AtomicReferenceArray<Timer> timers = operationTimers.get(queue);
        if (timers == null) {
            timers = operationTimers.computeIfAbsent(queue, q -> new AtomicReferenceArray<>(SluiceEvent.Operation.values().length));
        }
        Timer t = timers.get(operation.ordinal());
        if (t == null) {
            t = timer(new Key(OPERATION_DURATION, queue, null, null, operation(operation), null));
            timers.set(operation.ordinal(), t);
        }
        return t;
    }

    private Meter register(URI queue, String type, int slot) {
        if (slot == SENT_SLOT) return counter(new Key(SENT, queue, type, null, "send", null));
        if (slot == CONSUMED_SLOT) return counter(new Key(CONSUMED, queue, type, null, "receive", null));
        if (slot == END_TO_END_SLOT) return timer(new Key(END_TO_END, queue, type, null, null, null));
        if (slot < HANDLED_SLOT) return timer(new Key(PROCESS_DURATION, queue, type, OUTCOMES[slot - PROCESS_SLOT], "process", null));
        if (slot < ATTEMPTS_SLOT) return counter(new Key(HANDLED, queue, type, OUTCOMES[slot - HANDLED_SLOT], null, null));
        return summaries.computeIfAbsent(new Key(ATTEMPTS, queue, type, OUTCOMES[slot - ATTEMPTS_SLOT], null, null),
                k -> DistributionSummary.builder(k.name()).description("delivery attempts a message took")
                        .tags(tags(k)).publishPercentileHistogram().register(registry));
    }

    /** The {@code messaging.operation.name} of an operation (a constant: no string made per event). */
    static String operation(SluiceEvent.Operation operation) {
        return switch (operation) {
            case SEND -> "send";
            case RECEIVE -> "receive";
            case ACK -> "ack";
            case NACK -> "nack";
            case EXTEND_LEASE -> "extend_lease";
        };
    }

    /** The outcome tag value of an outcome. */
    static String outcome(Outcome outcome) {
        return OUTCOMES[outcomeIndex(outcome)];
    }

    /** An outcome's index in {@link #OUTCOMES}. */
    private static int outcomeIndex(Outcome outcome) {
        if (outcome instanceof Outcome.Retry) return 1;
        if (outcome instanceof Outcome.DeadLetter) return 2;
        return 0;
    }

    private String type(String eventType) {
        return !eventTypeTag || eventType == null ? Tags.NO_TYPE : eventType;
    }

    private Counter counter(Key k) {
        return counters.computeIfAbsent(k, key -> Counter.builder(key.name()).tags(tags(key)).register(registry));
    }

    private Timer timer(Key k) {
        return timers.computeIfAbsent(k, key -> {
            Timer.Builder t = Timer.builder(key.name()).tags(tags(key)).publishPercentileHistogram();
            if (key.name().equals(PROCESS_DURATION) && percentiles.length > 0) t.publishPercentiles(percentiles);
            return t.register(registry);
        });
    }

    private AtomicInteger active(URI queue) {
        AtomicInteger known = active.get(queue);
        if (known != null) return known;
        return active.computeIfAbsent(queue, q -> {
            AtomicInteger n = new AtomicInteger();
            Gauge.builder(ACTIVE, n, AtomicInteger::get).description("handlers running now")
                    .tags(tags(new Key(ACTIVE, q, null, null, null, null))).strongReference(true).register(registry);
            return n;
        });
    }

    private static List<Tag> tags(Key k) {
        List<Tag> tags = new java.util.ArrayList<>(6);
        tags.add(Tag.of(Tags.SYSTEM, Tags.system(k.queue())));
        tags.add(Tag.of(Tags.DESTINATION, Tags.destination(k.queue())));
        if (k.operation() != null) tags.add(Tag.of(Tags.OPERATION, k.operation()));
        if (k.type() != null) tags.add(Tag.of(Tags.EVENT_TYPE, k.type()));
        if (k.outcome() != null) tags.add(Tag.of(Tags.OUTCOME, k.outcome()));
        if (k.error() != null) tags.add(Tag.of(Tags.ERROR_TYPE, k.error()));
        return tags;
    }

    /** Options of {@link SluiceMetrics}. */
    public static final class Builder {
        private final MeterRegistry registry;
        private boolean eventTypeTag = true;
        private double[] percentiles = {};

        private Builder(MeterRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
        }

        /**
         * Whether message meters carry the CloudEvent type (default true). Turn it off when producers you do not
         * control can send any type: each distinct type is a time series.
         */
        public Builder eventTypeTag(boolean v) {
            eventTypeTag = v;
            return this;
        }

        /**
         * Client-side percentiles to publish for {@value #PROCESS_DURATION}, e.g. {@code 0.5, 0.95, 0.99} (default
         * none: only the histogram, which a server aggregates across instances with {@code histogram_quantile}).
         * Each costs a time-windowed histogram update per handling, and percentiles of several instances cannot be
         * added up; ask for them where no server computes quantiles (a registry read in the process, Datadog, ...).
         */
        public Builder percentiles(double... v) {
            for (double p : v) {
                if (!(p > 0 && p < 1)) throw new IllegalArgumentException("a percentile is in (0, 1), got " + p);
            }
            percentiles = v.clone();
            return this;
        }

        public SluiceMetrics build() {
            return new SluiceMetrics(this);
        }
    }
}
