package dev.sluice.rabbitmq;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 15's stress test, as SQS FIFO's: 2,000 events, 10 % of handler calls fail (seeded by event id and call
 * number), at most 3 attempts, retries after 100 ms through the retry queue {@code <q>.retry.100}. The promise: an
 * event is dead-lettered if and only if its handler failed 3 times, always by Sluice with its reason (never by the
 * broker's delivery limit); every other event is handled exactly once; the two add up to 2,000.
 */
class RabbitStressTest {
    private static final String TYPE = "dev.sluice.stress";
    private static final int EVENTS = 2_000;
    private static final int ATTEMPTS = 3;
    private static final double FAILURE_RATE = 0.10;
    private static final long SEED = 42L;

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

        try (RabbitBroker broker = RabbitBroker.start("stress"); Sluice sluice = Sluice.create()) {
            QueueSpec spec = QueueSpec.builder(broker.uri("stress")).maxDeliveryAttempts(ATTEMPTS)
                    .retryPolicy(RetryPolicy.fixed(Duration.ofMillis(100))).lease(Duration.ofSeconds(30)).concurrency(20).build();
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
                long published = (System.nanoTime() - t0) / 1_000_000;

                Map<String, DeadLetter> dead = new TreeMap<>();
                Await.until("every event handled or dead-lettered", () -> {
                    if (handled.size() + expectedDead.size() < EVENTS) return false;
                    try {
                        dead.clear();
                        for (DeadLetter d : sluice.deadLetters(spec).peek(EVENTS)) dead.put(d.event().getId(), d);
                    } catch (InterruptedException ex) {
                        Thread.currentThread().interrupt();
                        return true;
                    }
                    return handled.size() + dead.size() >= EVENTS;
                }, Duration.ofSeconds(90));
                long done = (System.nanoTime() - t0) / 1_000_000;
                System.err.println("STRESS published 2,000 in " + published + " ms; all settled after " + done + " ms: handled "
                        + handled.size() + ", dead-lettered " + dead.size() + " (expected " + expectedDead.size()
                        + "), handler failures " + failures.get() + ", handler calls "
                        + calls.values().stream().mapToInt(AtomicInteger::get).sum());

                assertThat(failures.get()).as("seeded failures happened").isGreaterThan(100);
                assertThat(dead.values()).as("every dead letter was sent by Sluice, with its reason (none moved by the broker)")
                        .allSatisfy(d -> assertThat(d.reason()).as(d.event().getId()).isPresent());
                assertThat(dead.keySet()).as("dead-lettered: exactly the events that failed %d times", ATTEMPTS)
                        .containsExactlyInAnyOrderElementsOf(expectedDead);
                for (String id : dead.keySet()) {
                    assertThat(failuresOf.get(id)).as("handler failures of dead-lettered " + id).hasValue(ATTEMPTS);
                    assertThat(dead.get(id).reason().get().attempts()).as("attempts in the reason of " + id).isEqualTo(ATTEMPTS);
                    assertThat(lastAttempt.get(id)).as("the broker-derived attempt of the last call of " + id).isEqualTo(ATTEMPTS);
                }
                assertThat(handled.values()).as("each success handled once").allSatisfy(c -> assertThat(c.get()).isEqualTo(1));
                for (String id : handled.keySet()) {
                    AtomicInteger f = failuresOf.get(id);
                    assertThat(f == null ? 0 : f.get()).as("handler failures of handled " + id).isEqualTo(expectedFailures.get(id));
                    assertThat(lastAttempt.get(id)).as("attempt of the successful call of " + id).isEqualTo(expectedFailures.get(id) + 1);
                }
                assertThat(dead).as("dead-lettered events were never handled").doesNotContainKeys(handled.keySet().toArray(String[]::new));
                assertThat(handled.size() + dead.size()).as("handled + dead-lettered").isEqualTo(EVENTS);
            }
        }
    }
}
