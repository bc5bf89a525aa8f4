package dev.sluice.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.DeadLetter;
import dev.sluice.OutgoingEvent;
import dev.sluice.PublishOptions;
import dev.sluice.QueueSpec;
import dev.sluice.RetryPolicy;
import dev.sluice.core.Sluice;
import dev.sluice.testkit.Await;
import dev.sluice.worker.Worker;
import io.cloudevents.CloudEvent;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 15's stress test, as SQS FIFO's: 2,000 events, 10 % of handler calls fail, at most 3 attempts, retries
 * 200 ms later (through the delayed set). Whether a call fails is seeded by the event id and the number of that
 * call, so the dead-lettered events are known in advance. The promise: an event is dead-lettered if and only if
 * its handler failed 3 times, with its reason; every other event is handled exactly once; the two add up.
 */
class RedisStressTest {
    private static final String TYPE = "dev.sluice.stress";
    private static final int EVENTS = 2000;
    private static final int ATTEMPTS = 3;
    private static final double FAILURE_RATE = 0.10;
    private static final long SEED = 42L;
    private static final String PREFIX = RedisServer.freshPrefix("stress");

    @BeforeAll
    static void redis() {
        RedisServer.require();
    }

    @AfterAll
    static void cleanUp() {
        RedisServer.deleteKeys(PREFIX);
    }

    /** Whether call {@code call} (1, 2, ...) of the handler for event {@code id} fails. */
    private static boolean fails(String id, int call) {
        return new SplittableRandom(SEED ^ ((long) id.hashCode() << 8) ^ call).nextDouble() < FAILURE_RATE;
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void deadLettersExactlyTheEventsThatFailedThreeTimesAndHandlesEveryOtherOnce() throws Exception {
        Set<String> expectedDead = new TreeSet<>();
        Map<String, Integer> expectedFailures = new HashMap<>();
        for (int i = 0; i < EVENTS; i++) {
            String id = "e-" + i;
            int failed = 0;
            while (failed < ATTEMPTS && fails(id, failed + 1)) failed++;
            expectedFailures.put(id, failed);
            if (failed == ATTEMPTS) expectedDead.add(id);
        }
        assertThat(expectedDead).as("the seed dead-letters some events").isNotEmpty();

        try (Sluice sluice = Sluice.create()) {
            QueueSpec spec = QueueSpec.builder(RedisServer.uri(PREFIX + "queue")).maxDeliveryAttempts(ATTEMPTS)
                    .retryPolicy(RetryPolicy.fixed(Duration.ofMillis(200))).lease(Duration.ofSeconds(30)).concurrency(20).build();
            Map<String, AtomicInteger> handled = new ConcurrentHashMap<>();
            Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
            Map<String, AtomicInteger> failuresOf = new ConcurrentHashMap<>();
            Map<String, Integer> lastAttempt = new ConcurrentHashMap<>();
            AtomicInteger failures = new AtomicInteger();
            long t0 = System.nanoTime();
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
                List<OutgoingEvent> events = new ArrayList<>();
                for (int i = 0; i < EVENTS; i++) {
                    CloudEvent e = CloudEventBuilder.v1().withId("e-" + i).withSource(URI.create("/stress")).withType(TYPE).build();
                    events.add(new OutgoingEvent(e, PublishOptions.NONE));
                }
                sluice.publisher(spec.uri()).publishAll(events).get(60, TimeUnit.SECONDS);
                long published = System.nanoTime();

                Map<String, DeadLetter> dead = new TreeMap<>();
                Await.until("every event handled or dead-lettered", () -> {
                    if (handled.size() + failuresOfDead(failuresOf) < EVENTS) return false;
                    dead.clear();
                    try {
                        for (DeadLetter d : sluice.deadLetters(spec).peek(EVENTS)) dead.put(d.event().getId(), d);
                    } catch (InterruptedException ex) {
                        Thread.currentThread().interrupt();
                        return false;
                    }
                    return handled.size() + dead.size() >= EVENTS;
                }, Duration.ofSeconds(90));
                long done = System.nanoTime();
                System.err.println("REDIS STRESS: published " + EVENTS + " in " + (published - t0) / 1_000_000 + " ms; handled "
                        + handled.size() + ", dead-lettered " + dead.size() + " (expected " + expectedDead.size()
                        + "), handler failures " + failures.get() + ", all settled " + (done - t0) / 1_000_000 + " ms after the start");

                assertThat(failures.get()).as("seeded failures happened").isGreaterThan(100);
                assertThat(dead.values()).as("every dead letter carries its reason")
                        .allSatisfy(d -> assertThat(d.reason()).as(d.event().getId()).isPresent());
                assertThat(dead.values()).allSatisfy(d -> assertThat(d.reason().orElseThrow().attempts()).isEqualTo(ATTEMPTS));
                assertThat(dead.keySet()).as("dead-lettered: exactly the events that failed %d times", ATTEMPTS)
                        .containsExactlyInAnyOrderElementsOf(expectedDead);
                assertThat(handled.values()).as("each success handled once").allSatisfy(c -> assertThat(c.get()).isEqualTo(1));
                for (String id : handled.keySet()) {
                    AtomicInteger f = failuresOf.get(id);
                    assertThat(f == null ? 0 : f.get()).as("failures of handled " + id).isEqualTo(expectedFailures.get(id));
                    assertThat(lastAttempt.get(id)).as("attempt of the successful call of " + id).isEqualTo(expectedFailures.get(id) + 1);
                }
                assertThat(dead).as("dead-lettered events were never handled").doesNotContainKeys(handled.keySet().toArray(String[]::new));
                assertThat(handled.size() + dead.size()).as("handled + dead-lettered").isEqualTo(EVENTS);
            }
        }
    }

    private static int failuresOfDead(Map<String, AtomicInteger> failuresOf) {
        int n = 0;
        for (AtomicInteger f : failuresOf.values()) if (f.get() >= ATTEMPTS) n++;
        return n;
    }
}
