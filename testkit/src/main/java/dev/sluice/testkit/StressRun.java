package dev.sluice.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.DeadLetter;
import dev.sluice.OutgoingEvent;
import dev.sluice.PublishOptions;
import dev.sluice.QueueSpec;
import dev.sluice.core.Sluice;
import dev.sluice.worker.Worker;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The stress run a driver passes on its real broker: {@code events} events, a seeded share of handler calls fail
 * (decided by event id and call number, so the outcome is known before the run), at most the spec's attempts.
 * The promise it checks: an event is dead-lettered if and only if its handler failed on every attempt, by Sluice
 * with its reason (never moved by the broker); every other event is handled exactly once, told the attempt after
 * its failures; the two add up to {@code events}.
 *
 * @param events      how many events
 * @param failureRate the share of handler calls that fail
 * @param seed        the seed of the failures
 */
public record StressRun(int events, double failureRate, long seed) {
    private static final String TYPE = "dev.sluice.stress";

    /** 2,000 events, 10 % of calls failing: the run of the SQS FIFO stress test and issue 15. */
    public static StressRun standard() {
        return new StressRun(2_000, 0.10, 42L);
    }

    /**
     * What happened, for the test's log line.
     *
     * @param publishedMillis time to publish every event
     * @param settledMillis   time until every event was handled or dead-lettered
     * @param handled         events handled
     * @param deadLettered    events dead-lettered
     * @param failures        handler calls that failed
     * @param calls           handler calls
     */
    public record Summary(long publishedMillis, long settledMillis, int handled, int deadLettered, int failures, int calls) {
        @Override
        public String toString() {
            return "published in " + publishedMillis + " ms, all settled after " + settledMillis + " ms: handled " + handled
                    + ", dead-lettered " + deadLettered + ", handler failures " + failures + ", handler calls " + calls;
        }
    }

    /** Whether call {@code call} (1, 2, ...) of the handler for event {@code id} fails. */
    boolean fails(String id, int call) {
        return new SplittableRandom(seed ^ ((long) id.hashCode() << 8) ^ call).nextDouble() < failureRate;
    }

    /** Runs a worker on {@code spec}'s queue, publishes, waits (up to {@code patience}) and checks the promise. */
    public Summary run(Sluice sluice, QueueSpec spec, Duration patience) throws Exception {
        int attempts = spec.maxDeliveryAttempts();
        Set<String> expectedDead = new TreeSet<>();
        Map<String, Integer> expectedFailures = new HashMap<>();
        for (int i = 0; i < events; i++) {
            String id = "e-" + i;
            int failed = 0;
            while (failed < attempts && fails(id, failed + 1)) failed++;
            expectedFailures.put(id, failed);
            if (failed == attempts) expectedDead.add(id);
        }
        assertThat(expectedDead).as("the seed dead-letters some events").isNotEmpty();

        Map<String, AtomicInteger> handled = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> failuresOf = new ConcurrentHashMap<>();
        Map<String, Integer> lastAttempt = new ConcurrentHashMap<>();
        AtomicInteger failures = new AtomicInteger();
        long t0 = System.nanoTime();
        Map<String, DeadLetter> dead = new TreeMap<>();
        long published;
        try (Worker worker = sluice.worker(spec).withoutLogging().on(TYPE, (e, d) -> {
            int call = calls.computeIfAbsent(e.getId(), k -> new AtomicInteger()).incrementAndGet();
            lastAttempt.put(e.getId(), d.attempt().orElse(-1));
            if (fails(e.getId(), call)) {
                failures.incrementAndGet();
                failuresOf.computeIfAbsent(e.getId(), k -> new AtomicInteger()).incrementAndGet();
                throw new IllegalStateException("seeded failure of " + e.getId() + " on call " + call);
            }
            handled.computeIfAbsent(e.getId(), k -> new AtomicInteger()).incrementAndGet();
        }).start()) {
            List<OutgoingEvent> outgoing = new ArrayList<>(events);
            for (int i = 0; i < events; i++) {
                outgoing.add(new OutgoingEvent(CloudEventBuilder.v1().withId("e-" + i).withSource(URI.create("/stress"))
                        .withType(TYPE).build(), PublishOptions.NONE));
            }
            sluice.publisher(spec.uri()).publishAll(outgoing).get(patience.toSeconds(), TimeUnit.SECONDS);
            published = (System.nanoTime() - t0) / 1_000_000;
            Await.until("every event handled or dead-lettered", () -> {
                if (handled.size() + expectedDead.size() < events) return false;
                dead.clear();
                try {
                    for (DeadLetter d : sluice.deadLetters(spec).peek(events)) dead.put(d.event().getId(), d);
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    return true;
                }
                return handled.size() + dead.size() >= events;
            }, patience);
        }
        Summary summary = new Summary(published, (System.nanoTime() - t0) / 1_000_000, handled.size(), dead.size(),
                failures.get(), calls.values().stream().mapToInt(AtomicInteger::get).sum());

        assertThat(failures.get()).as("seeded failures happened").isGreaterThan(0);
        assertThat(dead.values()).as("every dead letter was sent by Sluice, with its reason (none moved by the broker)")
                .allSatisfy(d -> assertThat(d.reason()).as(d.event().getId()).isPresent());
        assertThat(dead.keySet()).as("dead-lettered: exactly the events that failed %d times", attempts)
                .containsExactlyInAnyOrderElementsOf(expectedDead);
        for (String id : dead.keySet()) {
            assertThat(failuresOf.get(id)).as("handler failures of dead-lettered " + id).hasValue(attempts);
            assertThat(dead.get(id).reason().orElseThrow().attempts()).as("attempts in the reason of " + id).isEqualTo(attempts);
            assertThat(lastAttempt.get(id)).as("the attempt of the last call of " + id).isEqualTo(attempts);
        }
        assertThat(handled.values()).as("each success handled once").allSatisfy(c -> assertThat(c.get()).isEqualTo(1));
        for (String id : handled.keySet()) {
            AtomicInteger f = failuresOf.get(id);
            assertThat(f == null ? 0 : f.get()).as("handler failures of handled " + id).isEqualTo(expectedFailures.get(id));
            assertThat(lastAttempt.get(id)).as("attempt of the successful call of " + id).isEqualTo(expectedFailures.get(id) + 1);
        }
        assertThat(dead).as("dead-lettered events were never handled").doesNotContainKeys(handled.keySet().toArray(String[]::new));
        assertThat(handled.size() + dead.size()).as("handled + dead-lettered").isEqualTo(events);
        return summary;
    }
}
