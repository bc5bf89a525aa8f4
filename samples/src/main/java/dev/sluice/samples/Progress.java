package dev.sluice.samples;

import dev.sluice.Interceptor;
import dev.sluice.Outcome;
import dev.sluice.QueueSpec;
import dev.sluice.core.Sluice;
import dev.sluice.codec.CloudEventCodec;
import dev.sluice.spi.AckFailure;
import dev.sluice.spi.Capabilities;
import dev.sluice.spi.DriverContext;
import dev.sluice.spi.DriverProvider;
import dev.sluice.spi.InboundMessage;
import dev.sluice.spi.OutboundMessage;
import dev.sluice.spi.QueueDriver;
import dev.sluice.spi.SendResult;
import io.cloudevents.CloudEvent;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * What the samples count, for their mains, the demo's live line and summary table, and the tests.
 *
 * <ul>
 *   <li>As an {@link Interceptor} it sees every delivery's outcome: per event type (one handler each) it counts
 *       calls, successes, retries and dead letters, and times each call; it knows how many calls are in flight.
 *       Add it first, so that it sees the outcome the other interceptors settle on.</li>
 *   <li>Installed on a {@link Sluice.Builder} with {@link #countPublishes(Sluice.Builder)}, it wraps every
 *       driver to count the events that reach a queue (published by a producer, emitted as a follow-up, or
 *       redriven from a DLQ; dead letters themselves are not counted) and the lease extensions.</li>
 * </ul>
 *
 * With both, "every published event has been handled" is a simple check ({@link #isIdle()}), which a
 * sample's main waits for before it prints its result and exits. A real worker runs until it is stopped.
 */
public final class Progress implements Interceptor {

    /** One delivery's result, for a readable trace of what happened to a job. */
    public record Step(String eventId, String type, int attempt, Kind kind, String detail, Duration took) {
    }

    /** What became of a delivery. */
    public enum Kind { SUCCEEDED, RETRY, DEAD_LETTER }

    /** One handler's numbers. */
    public record HandlerStats(String type, int calls, int succeeded, int retries, int deadLettered,
                               Duration p50, Duration p99) {
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Map<String, Counts> byType = new TreeMap<>();
    private final List<Consumer<Step>> listeners = new CopyOnWriteArrayList<>();
    private long published;
    private long leaseExtensions;
    private int inFlight;
    /** Messages the brokers handed out, and those acknowledged or handed back: their difference is held now. */
    private long received;
    private long released;

    private static final class Counts {
        int calls;
        int succeeded;
        int retries;
        int deadLettered;
        long[] nanos = new long[64];
    }

    /** Calls {@code listener} after every delivery (on the handler's thread). */
    public Progress onStep(Consumer<Step> listener) {
        listeners.add(listener);
        return this;
    }

    @Override
    public Outcome intercept(Chain chain) throws Exception {
        CloudEvent event = chain.event();
        update(() -> inFlight++);
        long start = System.nanoTime();
        Outcome outcome = null;
        try {
            outcome = chain.proceed();
            return outcome;
        } finally {
            long took = System.nanoTime() - start;
            Outcome o = outcome;
            update(() -> {
                inFlight--;
                Counts c = byType.computeIfAbsent(event.getType(), t -> new Counts());
                if (c.calls == c.nanos.length) c.nanos = Arrays.copyOf(c.nanos, c.calls * 2);
                c.nanos[c.calls++] = took;
                if (o instanceof Outcome.Ack) c.succeeded++;
                else if (o instanceof Outcome.DeadLetter) c.deadLettered++;
                else c.retries++; // a Retry, or a throw (the pipeline turns it into a retry or a dead letter)
            });
            Step step = new Step(event.getId(), event.getType(), chain.delivery().attempt().orElse(0), kind(o), detail(o),
                    Duration.ofNanos(took));
            listeners.forEach(l -> l.accept(step));
        }
    }

    // ---- counts ----------------------------------------------------------------------------------

    /** Events that reached a queue: published, emitted as follow-ups, or redriven. */
    public long published() {
        return read(() -> published);
    }

    /** Handler calls running now. */
    public int inFlight() {
        return read(() -> inFlight);
    }

    /**
     * Whether every message received and not yet acknowledged or handed back is inside a handler call: none waits
     * for a handler thread, and no finished one waits for its ack. A virtual clock advances only then.
     */
    public boolean nothingBetweenHandlers() {
        return read(() -> received - released == inFlight);
    }

    /** Deliveries that succeeded (acked), over all handlers. */
    public int succeeded() {
        return read(() -> byType.values().stream().mapToInt(c -> c.succeeded).sum());
    }

    /** Deliveries that failed and will be tried again, over all handlers. */
    public int retried() {
        return read(() -> byType.values().stream().mapToInt(c -> c.retries).sum());
    }

    /** Deliveries sent to a dead-letter queue, over all handlers. */
    public int deadLettered() {
        return read(() -> byType.values().stream().mapToInt(c -> c.deadLettered).sum());
    }

    /** Lease extensions made (by the worker's lease keeper or by a handler). */
    public long leaseExtensions() {
        return read(() -> leaseExtensions);
    }

    /** One handler's numbers (zeros if it never ran). */
    public HandlerStats handler(String type) {
        return read(() -> stats(type, byType.get(type)));
    }

    /** Every handler's numbers, by event type. */
    public List<HandlerStats> handlers() {
        return read(() -> byType.entrySet().stream().map(e -> stats(e.getKey(), e.getValue())).toList());
    }

    /** True when something was published and every published event has been handled (acked or dead-lettered). */
    public boolean isIdle() {
        return read(() -> published > 0 && inFlight == 0 && published == settled());
    }

    /**
     * Waits until {@link #isIdle()}, at most {@code timeout}; false if it timed out. Retries with backoff
     * mean "idle" can take as long as the longest backoff.
     */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long nanos = timeout.toNanos();
        lock.lock();
        try {
            while (!(published > 0 && inFlight == 0 && published == settled())) {
                if (nanos <= 0) return false;
                nanos = changed.awaitNanos(nanos);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** One line: published, in flight, succeeded, retried, dead-lettered. */
    public String line() {
        return String.format("published %,6d | in flight %3d | succeeded %,6d | retried %,4d | dead-lettered %,4d",
                published(), inFlight(), succeeded(), retried(), deadLettered());
    }

    // ---- counting what reaches the queues ----------------------------------------------------------

    /**
     * Wraps every driver on the class path (as {@link Sluice#create()} finds them) so that this counts
     * what reaches a queue and each lease extension.
     */
    public Sluice.Builder countPublishes(Sluice.Builder builder) {
        for (DriverProvider p : ServiceLoader.load(DriverProvider.class)) builder.driver(counting(p));
        return builder;
    }

    /** {@code provider}, counting into this. */
    public DriverProvider counting(DriverProvider provider) {
        return new DriverProvider() {
            @Override
            public String scheme() {
                return provider.scheme();
            }

            @Override
            public QueueDriver open(URI uri, DriverContext context) {
                return new CountingDriver(provider.open(uri, context));
            }
        };
    }

    private final class CountingDriver implements QueueDriver {
        private final QueueDriver d;

        CountingDriver(QueueDriver d) {
            this.d = d;
        }

        @Override
        public List<SendResult> send(List<OutboundMessage> batch) {
            List<SendResult> results = d.send(batch);
            int n = 0;
            for (int i = 0; i < results.size() && i < batch.size(); i++) {
                boolean deadLetter = batch.get(i).attributes().containsKey(CloudEventCodec.DEAD_LETTER_ATTRIBUTE);
                if (results.get(i).succeeded() && !deadLetter) n++;
            }
            int sent = n;
            if (sent > 0) update(() -> published += sent);
            return results;
        }

        @Override
        public void extendLease(InboundMessage message, Duration lease) {
            d.extendLease(message, lease);
            update(() -> leaseExtensions++);
        }

        @Override public Capabilities capabilities() { return d.capabilities(); }
        @Override public URI uri() { return d.uri(); }
        @Override public URI defaultDeadLetterUri() { return d.defaultDeadLetterUri(); }
        @Override
        public List<InboundMessage> receive(int max, Duration maxWait) throws InterruptedException {
            List<InboundMessage> got = d.receive(max, maxWait);
            if (!got.isEmpty()) update(() -> received += got.size());
            return got;
        }

        @Override
        public List<AckFailure> ack(List<InboundMessage> batch) {
            List<AckFailure> failures = d.ack(batch);
            update(() -> released += batch.size());
            return failures;
        }

        @Override
        public List<AckFailure> ackDeadLettered(List<InboundMessage> batch) {
            List<AckFailure> failures = d.ackDeadLettered(batch);
            update(() -> released += batch.size());
            return failures;
        }

        @Override
        public void nack(InboundMessage message, Duration delay) {
            d.nack(message, delay);
            update(() -> released++);
        }
        @Override public List<String> provision(QueueSpec spec, URI deadLetterUri) { return d.provision(spec, deadLetterUri); }
        @Override public <T> Optional<T> unwrap(Class<T> type) { return d.unwrap(type); }
        @Override public void close() { d.close(); }
    }

    // ---- internals -------------------------------------------------------------------------------

    private long settled() {
        return byType.values().stream().mapToLong(c -> c.succeeded + c.deadLettered).sum();
    }

    private static HandlerStats stats(String type, Counts c) {
        if (c == null) return new HandlerStats(type, 0, 0, 0, 0, Duration.ZERO, Duration.ZERO);
        long[] sorted = Arrays.copyOf(c.nanos, c.calls);
        Arrays.sort(sorted);
        return new HandlerStats(type, c.calls, c.succeeded, c.retries, c.deadLettered, percentile(sorted, 50),
                percentile(sorted, 99));
    }

    /** The nearest-rank percentile. */
    static Duration percentile(long[] sorted, int p) {
        if (sorted.length == 0) return Duration.ZERO;
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return Duration.ofNanos(sorted[Math.max(0, rank - 1)]);
    }

    private static Kind kind(Outcome o) {
        if (o instanceof Outcome.Ack) return Kind.SUCCEEDED;
        if (o instanceof Outcome.DeadLetter) return Kind.DEAD_LETTER;
        return Kind.RETRY;
    }

    private static String detail(Outcome o) {
        if (o instanceof Outcome.Retry r) return "failed (" + describe(r.cause()) + "); retry in " + millis(r.delay());
        if (o instanceof Outcome.DeadLetter d) return "dead-lettered: " + d.reason().summary();
        if (o == null) return "threw before an outcome";
        return "succeeded";
    }

    private static String describe(Throwable t) {
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    /** {@code 1500 ms} as "1.5 s", {@code 12 ms} as "12 ms". */
    public static String millis(Duration d) {
        long ms = d.toMillis();
        if (ms >= 1000) return String.format("%.1f s", ms / 1000.0);
        if (ms >= 1) return ms + " ms";
        return String.format("%.2f ms", d.toNanos() / 1e6);
    }

    private void update(Runnable change) {
        lock.lock();
        try {
            change.run();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private <T> T read(java.util.function.Supplier<T> value) {
        lock.lock();
        try {
            return value.get();
        } finally {
            lock.unlock();
        }
    }
}
