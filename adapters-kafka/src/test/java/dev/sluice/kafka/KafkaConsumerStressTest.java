package dev.sluice.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.DeadLetter;
import dev.sluice.OutgoingEvent;
import dev.sluice.PublishOptions;
import dev.sluice.QueueSpec;
import dev.sluice.RetryPolicy;
import dev.sluice.core.Sluice;
import dev.sluice.testkit.Await;
import dev.sluice.testkit.StressRun;
import dev.sluice.worker.Worker;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
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
 * The stress tests of consumer-group mode: 2,000 events, 10 % of handler calls failing (seeded), at most 3 attempts,
 * retries 200 ms later. With 20 ordering keys over 4 partitions the retries wait in place and per-key order holds:
 * no call of an event starts before the last call of the key's earlier event. Without keys, the retries go through the
 * retry topic ({@link StressRun#standard()}). In both, an event is dead-lettered if and only if it failed 3 times,
 * with its reason; every other event is handled exactly once; the two add up.
 */
class KafkaConsumerStressTest {
    private static final String TYPE = "dev.sluice.stress.keyed";
    private static final int EVENTS = 2_000;
    private static final int KEYS = 20;
    private static final int ATTEMPTS = 3;

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void withoutKeysRetriesGoThroughTheRetryTopicAndTheCountsAddUp() throws Exception {
        KafkaBroker broker = KafkaBroker.shared();
        try (Sluice sluice = Sluice.create()) {
            QueueSpec spec = QueueSpec.builder(broker.uri("consumer-stress", "mode=consumer&partitions=2")).maxDeliveryAttempts(ATTEMPTS)
                    .retryPolicy(RetryPolicy.fixed(Duration.ofMillis(200))).lease(Duration.ofSeconds(30)).concurrency(20).build();
            StressRun.Summary summary = StressRun.standard().run(sluice, spec, Duration.ofSeconds(120));
            long copies = records(broker, "consumer-stress-retry");
            System.err.println("KAFKA CONSUMER STRESS (no keys, retry topic): " + summary + "; retry-topic copies " + copies);
            assertThat(copies).as("retries through the retry topic: one copy per failure but the last of a dead-lettered event")
                    .isEqualTo((long) summary.failures() - summary.deadLettered());
        }
    }

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void twentyKeysKeepTheirOrderUnderFailuresAndTheCountsAddUp() throws Exception {
        KafkaBroker broker = KafkaBroker.shared();
        Set<String> expectedDead = new TreeSet<>();
        Map<String, Integer> expectedFailures = new HashMap<>();
        for (int i = 0; i < EVENTS; i++) {
            String id = id(i);
            int failed = 0;
            while (failed < ATTEMPTS && fails(id, failed + 1)) failed++;
            expectedFailures.put(id, failed);
            if (failed == ATTEMPTS) expectedDead.add(id);
        }
        Map<String, List<Integer>> callsByKey = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> handled = new ConcurrentHashMap<>();
        Map<String, Integer> lastAttempt = new ConcurrentHashMap<>();
        Map<String, DeadLetter> dead = new TreeMap<>();
        long t0 = System.nanoTime();
        try (Sluice sluice = Sluice.create()) {
            QueueSpec spec = QueueSpec.builder(broker.uri("keyed-stress", "mode=consumer&partitions=4")).maxDeliveryAttempts(ATTEMPTS)
                    .retryPolicy(RetryPolicy.fixed(Duration.ofMillis(200))).lease(Duration.ofSeconds(30)).concurrency(20)
                    .ordering(true).build();
            try (Worker worker = sluice.worker(spec).withoutLogging().on(TYPE, (e, d) -> {
                String key = e.getExtension("stresskey").toString();
                callsByKey.computeIfAbsent(key, k -> Collections.synchronizedList(new ArrayList<>()))
                        .add(Integer.parseInt(e.getId().substring(2)));
                int call = calls.computeIfAbsent(e.getId(), k -> new AtomicInteger()).incrementAndGet();
                lastAttempt.put(e.getId(), d.attempt().orElse(-1));
                if (fails(e.getId(), call)) throw new IllegalStateException("seeded failure of " + e.getId() + " on call " + call);
                handled.computeIfAbsent(e.getId(), k -> new AtomicInteger()).incrementAndGet();
            }).start()) {
                List<OutgoingEvent> events = new ArrayList<>();
                for (int i = 0; i < EVENTS; i++) {
                    String key = "key-" + (i % KEYS);
                    events.add(new OutgoingEvent(CloudEventBuilder.v1().withId(id(i)).withSource(URI.create("/stress"))
                            .withType(TYPE).withExtension("stresskey", key).build(), PublishOptions.orderingKey(key)));
                }
                sluice.publisher(spec.uri()).publishAll(events).get(60, TimeUnit.SECONDS);
                Await.until("every event handled or dead-lettered", () -> {
                    if (handled.size() + expectedDead.size() < EVENTS) return false;
                    dead.clear();
                    try {
                        for (DeadLetter d : sluice.deadLetters(spec).peek(EVENTS)) dead.put(d.event().getId(), d);
                    } catch (InterruptedException x) {
                        Thread.currentThread().interrupt();
                        return true;
                    }
                    return handled.size() + dead.size() >= EVENTS;
                }, Duration.ofSeconds(120));
            }
        }
        int totalCalls = calls.values().stream().mapToInt(AtomicInteger::get).sum();
        System.err.println("KAFKA CONSUMER STRESS (20 keys, 4 partitions): all settled after " + (System.nanoTime() - t0) / 1_000_000
                + " ms: handled " + handled.size() + ", dead-lettered " + dead.size() + ", handler calls " + totalCalls);

        assertThat(callsByKey).hasSize(KEYS);
        callsByKey.forEach((key, order) -> {
            for (int i = 1; i < order.size(); i++) {
                assertThat(order.get(i)).as("per-key order of " + key + ": call " + i + " of " + order).isGreaterThanOrEqualTo(order.get(i - 1));
            }
        });
        assertThat(dead.keySet()).as("dead-lettered: exactly the events that failed %d times", ATTEMPTS)
                .containsExactlyInAnyOrderElementsOf(expectedDead);
        assertThat(dead.values()).allSatisfy(d -> assertThat(d.reason()).as(d.event().getId()).isPresent());
        assertThat(handled.values()).as("each success handled once").allSatisfy(c -> assertThat(c.get()).isEqualTo(1));
        for (String id : handled.keySet()) {
            assertThat(lastAttempt.get(id)).as("attempt of the successful call of " + id).isEqualTo(expectedFailures.get(id) + 1);
        }
        assertThat(handled.size() + dead.size()).as("handled + dead-lettered").isEqualTo(EVENTS);
    }

    /** How many records {@code topic} holds (end offsets less start offsets). */
    static long records(KafkaBroker broker, String topic) throws Exception {
        try (org.apache.kafka.clients.admin.Admin admin = broker.admin()) {
            var partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions();
            Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest = new HashMap<>();
            Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> earliest = new HashMap<>();
            for (var p : partitions) {
                latest.put(new org.apache.kafka.common.TopicPartition(topic, p.partition()), org.apache.kafka.clients.admin.OffsetSpec.latest());
                earliest.put(new org.apache.kafka.common.TopicPartition(topic, p.partition()), org.apache.kafka.clients.admin.OffsetSpec.earliest());
            }
            long end = admin.listOffsets(latest).all().get().values().stream().mapToLong(i -> i.offset()).sum();
            long start = admin.listOffsets(earliest).all().get().values().stream().mapToLong(i -> i.offset()).sum();
            return end - start;
        }
    }

    private static String id(int i) {
        return "e-" + i;
    }

    private static boolean fails(String id, int call) {
        return new SplittableRandom(42L ^ ((long) id.hashCode() << 8) ^ call).nextDouble() < 0.10;
    }
}
