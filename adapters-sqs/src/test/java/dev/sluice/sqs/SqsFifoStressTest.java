package dev.sluice.sqs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.DeadLetter;
import dev.sluice.OutgoingEvent;
import dev.sluice.PublishOptions;
import dev.sluice.QueueSpec;
import dev.sluice.RetryPolicy;
import dev.sluice.Sluice;
import dev.sluice.worker.Worker;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 3's FIFO test: 2,000 events over 20 message groups, 10 % of handler calls fail (seeded), at most 3
 * deliveries. Among the successes each group keeps publish order; every event is handled exactly once or is
 * in the dead-letter queue; the two counts add up to 2,000.
 */
class SqsFifoStressTest {
    private static final String TYPE = "dev.sluice.stress";
    private static final int GROUPS = 20;
    private static final int PER_GROUP = 100;
    private static final long SEED = 20_261_128L;

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void perGroupOrderAndEveryEventAccountedFor() throws Exception {
        try (ElasticMq mq = ElasticMq.start(); Sluice sluice = mq.sluice()) {
            QueueSpec spec = QueueSpec.builder("sqs://stress.fifo").maxDeliveryAttempts(3)
                    .retryPolicy(RetryPolicy.immediate()).lease(Duration.ofSeconds(30)).concurrency(20).ordering(true).build();
            Map<String, List<Integer>> handled = new ConcurrentHashMap<>();
            Map<String, AtomicInteger> handledCount = new ConcurrentHashMap<>();
            AtomicInteger failures = new AtomicInteger();
            try (Worker worker = sluice.worker(spec).withoutLogging().on(TYPE, (e, d) -> {
                Random random = new Random(SEED ^ (e.getId().hashCode() * 31L + d.attempt().orElse(0)));
                if (random.nextDouble() < 0.10) {
                    failures.incrementAndGet();
                    throw new IllegalStateException("seeded failure of " + e.getId() + " on attempt " + d.attempt());
                }
                handledCount.computeIfAbsent(e.getId(), k -> new AtomicInteger()).incrementAndGet();
                handled.computeIfAbsent(e.getSubject(), k -> java.util.Collections.synchronizedList(new ArrayList<>()))
                        .add(Integer.parseInt(e.getId().substring(e.getId().indexOf('-') + 1)));
            }).start()) {
                List<OutgoingEvent> events = new ArrayList<>();
                for (int i = 0; i < PER_GROUP; i++) {
                    for (int g = 0; g < GROUPS; g++) {
                        CloudEvent e = CloudEventBuilder.v1().withId("g" + g + "-" + i).withSource(URI.create("/stress"))
                                .withType(TYPE).withSubject("g" + g).build();
                        events.add(new OutgoingEvent(e, PublishOptions.orderingKey("g" + g)));
                    }
                }
                long t0 = System.nanoTime();
                sluice.publisher(spec.uri()).publishAll(events).get(90, TimeUnit.SECONDS);
                System.err.println("PROGRESS published in " + (System.nanoTime() - t0) / 1_000_000 + " ms; handled " + handledCount.size());

                Set<String> dead = new HashSet<>();
                int withoutReason = 0;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
                while (System.nanoTime() < deadline) {
                    TimeUnit.SECONDS.sleep(2);
                    dead.clear();
                    withoutReason = 0;
                    for (DeadLetter d : sluice.deadLetters(spec).peek(GROUPS * PER_GROUP)) {
                        dead.add(d.event().getId());
                        if (d.reason().isEmpty()) withoutReason++;
                    }
                    if (handledCount.size() + dead.size() >= GROUPS * PER_GROUP) break;
                }
                System.err.println("PROGRESS handled " + handledCount.size() + ", dead-lettered " + dead.size() + " ("
                        + withoutReason + " moved by the SQS redrive policy), handler failures " + failures.get());

                assertThat(failures.get()).as("seeded failures happened").isGreaterThan(100);
                assertThat(handledCount.values()).as("each success handled once").allSatisfy(c -> assertThat(c.get()).isEqualTo(1));
                assertThat(dead).as("dead-lettered events were never handled").doesNotContainAnyElementsOf(handledCount.keySet());
                assertThat(handledCount.size() + dead.size()).isEqualTo(GROUPS * PER_GROUP);
                for (var e : handled.entrySet()) {
                    assertThat(e.getValue()).as("order in group " + e.getKey()).isSorted();
                }
                Map<String, Integer> perGroup = new HashMap<>();
                handled.forEach((g, l) -> perGroup.put(g, l.size()));
                assertThat(perGroup).hasSize(GROUPS);
            }
        }
    }
}
