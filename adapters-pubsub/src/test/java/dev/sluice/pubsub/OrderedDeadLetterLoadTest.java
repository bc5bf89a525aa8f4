package dev.sluice.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.DeadLetter;
import dev.sluice.DeadLetterReason;
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
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The load case: 2,000 events over 20 ordering keys, 10 % of handler calls failing at random
 * (seeded), a dead-letter policy of 5 attempts. Per-key order holds among the successes, every event ends
 * handled or in the DLQ, and the counts add up.
 */
class OrderedDeadLetterLoadTest {
    private static final String TYPE = "dev.sluice.load";
    private static final int EVENTS = 2000;
    private static final int KEYS = 20;
    private static final int ATTEMPTS = 5;
    private static final long SEED = 20260405L;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void twoThousandEventsOverTwentyKeysWithRandomFailures() throws Exception {
        try (TestServerFixture fx = new TestServerFixture(); Sluice sluice = fx.sluice()) {
            QueueSpec spec = QueueSpec.builder(TestServerFixture.uri(TestServerFixture.name("load"))).ordering(true)
                    .maxDeliveryAttempts(ATTEMPTS).retryPolicy(RetryPolicy.immediate()).concurrency(16)
                    .lease(Duration.ofSeconds(60)).build();
            Map<String, List<Integer>> handled = new ConcurrentHashMap<>();
            Set<String> failedForGood = ConcurrentHashMap.newKeySet();
            AtomicInteger randomCalls = new AtomicInteger();
            AtomicInteger randomFailures = new AtomicInteger();
            try (Worker worker = sluice.worker(spec).withoutLogging().on(TYPE, (e, d) -> {
                int attempt = d.attempt().orElseThrow();
                boolean poison = poison().contains(e.getId());
                if (!poison) randomCalls.incrementAndGet();
                if (poison || fails(e.getId(), attempt)) {
                    if (!poison) randomFailures.incrementAndGet();
                    if (attempt >= ATTEMPTS) failedForGood.add(e.getId());
                    throw new IllegalStateException("seeded failure of " + e.getId() + " at attempt " + attempt);
                }
                handled.computeIfAbsent(e.getSubject(), k -> Collections.synchronizedList(new ArrayList<>()))
                        .add(Integer.parseInt(e.getId().substring(e.getId().indexOf('-') + 1)));
            }).start()) {
                List<OutgoingEvent> outgoing = new ArrayList<>();
                for (int i = 0; i < EVENTS; i++) {
                    String key = "key" + (i % KEYS);
                    CloudEvent event = CloudEventBuilder.v1().withId("e-" + i).withSource(URI.create("/load"))
                            .withType(TYPE).withSubject(key).build();
                    outgoing.add(new OutgoingEvent(event, PublishOptions.orderingKey(key)));
                }
                sluice.publisher(spec.uri()).publishAll(outgoing).get(60, TimeUnit.SECONDS);
                Await.until("every event handled or dead-lettered", () -> {
                    Set<Integer> done = new HashSet<>();
                    handled.values().forEach(l -> { synchronized (l) { done.addAll(l); } });
                    if (done.size() < EVENTS - 200) return false;
                    Set<String> dead = new HashSet<>();
                    peek(sluice, spec).forEach(d -> dead.add(d.event().getId()));
                    return dead.containsAll(failedForGood) && done.size() + dead.size() >= EVENTS;
                }, Duration.ofSeconds(90));
            }
            List<DeadLetter> dead = peek(sluice, spec);

            Set<Integer> handledIds = new HashSet<>();
            for (int k = 0; k < KEYS; k++) {
                List<Integer> seen = handled.getOrDefault("key" + k, List.of());
                assertThat(seen).as("per-key order of key%d among successes", k).isSorted();
                handledIds.addAll(seen);
            }
            Set<String> deadIds = new HashSet<>();
            dead.forEach(d -> deadIds.add(d.event().getId()));
            // Dead-lettered by the worker (its reason attached) after the handler failed the 5th time, or by
            // Pub/Sub's own policy: a message released because an earlier one of its key failed is redelivered,
            // and that redelivery counts as an attempt, so it can run out of attempts without a handler call.
            for (DeadLetter d : dead) {
                if (d.reason().isPresent()) {
                    assertThat(d.reason().get().cause()).isEqualTo(DeadLetterReason.Cause.MAX_ATTEMPTS);
                    assertThat(d.reason().get().attempts()).isEqualTo(ATTEMPTS);
                } else {
                    assertThat(d.attributes()).containsEntry("CloudPubSubDeadLetterSourceDeliveryCount", String.valueOf(ATTEMPTS));
                }
            }
            assertThat(dead).as("no event dead-lettered twice").hasSize(deadIds.size());
            assertThat(deadIds).as("dead letters").containsAll(failedForGood).containsAll(poison());
            for (String id : deadIds) assertThat(handledIds).doesNotContain(Integer.parseInt(id.substring(2)));
            assertThat(handledIds.size() + deadIds.size()).as("handled + dead letters").isEqualTo(EVENTS);
            assertThat((double) randomFailures.get() / randomCalls.get()).as("share of failed calls, poison aside")
                    .isBetween(0.07, 0.13);
        }
    }

    /** Whether the handler fails {@code id} at {@code attempt}: 10 % of calls, at random from a seed. */
    private static boolean fails(String id, int attempt) {
        int n = Integer.parseInt(id.substring(2));
        return new SplittableRandom(SEED * 31 + n * 7919L + attempt).nextDouble() < 0.10;
    }

    /** One event in a hundred (spread over the keys) fails every time, so the dead-letter path carries weight. */
    private static Set<String> poison() {
        return POISON;
    }

    private static final Set<String> POISON = java.util.stream.IntStream.range(0, EVENTS).filter(n -> n % 97 == 5)
            .mapToObj(n -> "e-" + n).collect(java.util.stream.Collectors.toUnmodifiableSet());

    private static List<DeadLetter> peek(Sluice sluice, QueueSpec spec) {
        try {
            return sluice.deadLetters(spec).peek(EVENTS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
