package dev.sluice.inmemory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.DeadLetter;
import dev.sluice.DeadLetterReason;
import dev.sluice.Outcome;
import dev.sluice.PublishOptions;
import dev.sluice.Publisher;
import dev.sluice.QueueSpec;
import dev.sluice.RetryPolicy;
import dev.sluice.core.Sluice;
import dev.sluice.codec.CloudEventCodec;
import dev.sluice.spi.InboundMessage;
import dev.sluice.spi.QueueDriver;
import dev.sluice.testkit.Await;
import dev.sluice.testkit.VirtualClock;
import dev.sluice.worker.Worker;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The worker's promises, shown on the virtual clock: no test here waits for a backoff in wall time. */
class WorkerOnVirtualClockTest {
    private final VirtualClock clock = new VirtualClock();
    private final Sluice sluice = Sluice.builder().scheduler(clock).build();

    @AfterEach
    void close() {
        sluice.close();
    }

    private static CloudEvent event(String id, String type) {
        return CloudEventBuilder.v1().withId(id).withSource(URI.create("/test")).withType(type).build();
    }

    private MemoryQueue queue(String uri) {
        return sluice.driver(URI.create(uri)).unwrap(MemoryQueue.class).orElseThrow();
    }

    @Test
    void aHandlerThatFailsTwiceThenSucceedsRunsThreeTimesWithTheBackoffThePolicyComputes() throws Exception {
        QueueSpec spec = QueueSpec.builder("mem://twice").maxDeliveryAttempts(5)
                .retryPolicy(RetryPolicy.exponential(Duration.ofSeconds(1)).multiplier(2).build()).build();
        List<Instant> runs = new CopyOnWriteArrayList<>();
        List<Duration> retryDelays = new CopyOnWriteArrayList<>();
        try (Worker worker = sluice.worker(spec)
                .interceptor(chain -> {
                    Outcome o = chain.proceed();
                    if (o instanceof Outcome.Retry r) retryDelays.add(r.delay());
                    return o;
                })
                .on("job", (e, d) -> {
                    runs.add(clock.now());
                    if (runs.size() <= 2) throw new IllegalStateException("transient " + runs.size());
                }).start()) {
            sluice.publisher(spec.uri()).publish(event("job-1", "job")).get();

            Await.until("first failure waiting for its retry", () -> queue("mem://twice").stats().delayed() == 1);
            clock.advance(Duration.ofSeconds(1));
            Await.until("second failure waiting for its retry", () -> runs.size() == 2 && queue("mem://twice").stats().delayed() == 1);
            clock.advance(Duration.ofSeconds(2));
            Await.until("acked", () -> runs.size() == 3 && queue("mem://twice").stats().total() == 0);
        }
        assertThat(runs).hasSize(3);
        assertThat(retryDelays).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
        assertThat(Duration.between(runs.get(0), runs.get(1))).isEqualTo(Duration.ofSeconds(1));
        assertThat(Duration.between(runs.get(1), runs.get(2))).isEqualTo(Duration.ofSeconds(2));
        assertThat(queue("mem://twice-dlq").stats().total()).isZero();
    }

    @Test
    void aHandlerThatAlwaysFailsRunsExactlyMaxDeliveryAttemptsThenOneDeadLetterCarriesTheReasons() throws Exception {
        QueueSpec spec = QueueSpec.builder("mem://always").maxDeliveryAttempts(4)
                .retryPolicy(RetryPolicy.exponential(Duration.ofSeconds(10)).build()).build();
        AtomicInteger runs = new AtomicInteger();
        try (Worker worker = sluice.worker(spec).on("job", (e, d) -> {
            runs.incrementAndGet();
            throw new java.io.IOException("smtp down");
        }).start()) {
            sluice.publisher(spec.uri()).publish(event("job-1", "job")).get();
            for (int attempt = 1; attempt < 4; attempt++) {
                int n = attempt;
                Await.until("attempt " + n + " waiting for its retry", () -> runs.get() == n && queue("mem://always").stats().delayed() == 1);
                clock.advance(Duration.ofSeconds(10L << (n - 1)));
            }
            Await.until("dead-lettered, then acked", () -> queue("mem://always-dlq").stats().total() == 1
                    && queue("mem://always").stats().total() == 0);
            clock.advance(Duration.ofHours(1));
        }
        List<DeadLetter> dead = sluice.deadLetters(spec).peek(10);
        assertThat(runs.get()).isEqualTo(4);
        assertThat(dead).hasSize(1);
        DeadLetterReason reason = dead.get(0).reason().orElseThrow();
        assertThat(reason.cause()).isEqualTo(DeadLetterReason.Cause.MAX_ATTEMPTS);
        assertThat(reason.attempts()).isEqualTo(4);
        assertThat(reason.exception()).isEqualTo("java.io.IOException");
        assertThat(reason.message()).isEqualTo("smtp down");
        assertThat(reason.sourceQueue()).isEqualTo("mem://always");
        assertThat(Duration.between(reason.firstFailure(), reason.lastFailure())).isEqualTo(Duration.ofSeconds(10 + 20 + 40));
        assertThat(queue("mem://always").stats().total()).isZero();
    }

    @Test
    void thousandEventsOverFiftyKeysWithRandomFailuresAreHandledInPerKeyOrder() throws Exception {
        QueueSpec spec = QueueSpec.builder("mem://ordered").ordering(true).concurrency(16).maxDeliveryAttempts(100)
                .retryPolicy(RetryPolicy.fixed(Duration.ofSeconds(1))).build();
        int keys = 50;
        int perKey = 20;
        Map<String, List<Integer>> handled = new ConcurrentHashMap<>();
        AtomicInteger failures = new AtomicInteger();
        try (Worker worker = sluice.worker(spec).withoutLogging().on("step", (e, d) -> {
            // 20 % of deliveries fail, decided by a hash of the event and its attempt: seeded, repeatable.
            if (Math.floorMod((e.getId() + "#" + d.attempt().getAsInt()).hashCode() * 31, 5) == 0) {
                failures.incrementAndGet();
                throw new IllegalStateException("random failure");
            }
            handled.computeIfAbsent(e.getSubject(), k -> Collections.synchronizedList(new ArrayList<>()))
                    .add(Integer.parseInt(e.getId().substring(e.getId().indexOf('/') + 1)));
        }).start()) {
            Publisher publisher = sluice.publisher(spec.uri());
            List<dev.sluice.OutgoingEvent> all = new ArrayList<>();
            for (int i = 0; i < perKey; i++) {
                for (int k = 0; k < keys; k++) {
                    CloudEvent e = CloudEventBuilder.v1().withId("k" + k + "/" + i).withSource(URI.create("/t"))
                            .withType("step").withSubject("k" + k).build();
                    all.add(new dev.sluice.OutgoingEvent(e, PublishOptions.orderingKey("k" + k)));
                }
            }
            publisher.publishAll(all).get();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (handled.values().stream().mapToInt(List::size).sum() < keys * perKey) {
                assertThat(System.nanoTime()).as("all handled within a minute").isLessThan(deadline);
                clock.advance(Duration.ofMillis(500));
                TimeUnit.MILLISECONDS.sleep(2);
            }
        }
        List<Integer> inOrder = new ArrayList<>();
        for (int i = 0; i < perKey; i++) inOrder.add(i);
        assertThat(failures.get()).as("failures injected").isGreaterThan(100);
        assertThat(handled).hasSize(keys);
        handled.forEach((key, seq) -> assertThat(seq).as("key " + key).containsExactlyElementsOf(inOrder));
    }

    @Test
    void closingTheWorkerUnderLoadLosesNoEvent() throws Exception {
        QueueSpec spec = QueueSpec.builder("mem://load").concurrency(8).build();
        int total = 500;
        Set<String> handled = ConcurrentHashMap.newKeySet();
        Publisher publisher = sluice.publisher(spec.uri());
        List<dev.sluice.OutgoingEvent> all = new ArrayList<>();
        for (int i = 0; i < total; i++) all.add(dev.sluice.OutgoingEvent.of(event("e" + i, "job")));
        publisher.publishAll(all).get();
        Worker worker = sluice.worker(spec).withoutLogging().on("job", (e, d) -> {
            TimeUnit.MILLISECONDS.sleep(1);
            handled.add(e.getId());
        }).start();
        Await.until("a fifth handled", () -> handled.size() >= total / 5);
        worker.close();

        Set<String> handledAtClose = new HashSet<>(handled);
        QueueDriver driver = sluice.driver(spec.uri());
        CloudEventCodec codec = new CloudEventCodec(driver.capabilities());
        Set<String> left = new HashSet<>();
        for (List<InboundMessage> got = driver.receive(10, Duration.ZERO); !got.isEmpty(); got = driver.receive(10, Duration.ZERO)) {
            for (InboundMessage m : got) left.add(codec.decode(m, spec.uri()).getId());
            driver.ack(got);
        }
        assertThat(handledAtClose).hasSizeLessThan(total).doesNotContainAnyElementsOf(left);
        assertThat(handledAtClose.size() + left.size()).isEqualTo(total);
    }

    @Test
    void typedDataThatDoesNotBindIsDeadLetteredWithTheBindingError() throws Exception {
        record Order(String id, int quantity) { }
        QueueSpec spec = QueueSpec.of("mem://typed");
        List<Order> orders = new CopyOnWriteArrayList<>();
        try (Worker worker = sluice.worker(spec).on("order.placed", Order.class, (order, d) -> orders.add(order)).start()) {
            Publisher publisher = sluice.publisher(spec.uri());
            publisher.publish("order.placed", new Order("o-1", 2)).get();
            publisher.publish(CloudEventBuilder.v1().withId("broken").withSource(URI.create("/t")).withType("order.placed")
                    .withData("application/json", "{\"quantity\":\"many\"}".getBytes()).build()).get();
            Await.until("one bound, one dead-lettered", () -> orders.size() == 1 && queue("mem://typed-dlq").stats().total() == 1);
        }
        assertThat(orders).containsExactly(new Order("o-1", 2));
        DeadLetterReason reason = sluice.deadLetters(spec).peek(1).get(0).reason().orElseThrow();
        assertThat(reason.cause()).isEqualTo(DeadLetterReason.Cause.PERMANENT_FAILURE);
        assertThat(reason.message()).contains("does not bind to").contains("Order").contains("'quantity' is not a valid int")
                .doesNotContain("many"); // names the field, never the value
    }

    @Test
    void followUpsArePublishedBeforeTheSourceIsAckedAndAFailedFollowUpRetriesTheSource() throws Exception {
        QueueSpec spec = QueueSpec.builder("mem://chain").retryPolicy(RetryPolicy.immediate()).build();
        List<String> seen = new CopyOnWriteArrayList<>();
        try (Worker worker = sluice.worker(spec)
                .on("upload", (e, d) -> d.emit("transcode", Map.of("video", e.getSubject())))
                .on("transcode", (e, d) -> seen.add("transcode " + new String(e.getData().toBytes())))
                .start()) {
            sluice.publisher(spec.uri()).publish(CloudEventBuilder.v1().withId("u-1").withSource(URI.create("/t"))
                    .withType("upload").withSubject("v-1").build()).get();
            Await.until("the follow-up handled", () -> seen.size() == 1);
        }
        assertThat(seen).containsExactly("transcode {\"video\":\"v-1\"}");

        // A follow-up that cannot be published (over the size limit) fails the source, which is retried, not acked.
        QueueSpec failing = QueueSpec.builder("mem://chain-fail").maxDeliveryAttempts(2).retryPolicy(RetryPolicy.immediate()).build();
        AtomicInteger runs = new AtomicInteger();
        try (Worker worker = sluice.worker(failing).on("upload", (e, d) -> {
            runs.incrementAndGet();
            d.emit("huge", new byte[2 * 1024 * 1024]);
        }).start()) {
            sluice.publisher(failing.uri()).publish(event("u-2", "upload")).get();
            Await.until("dead-lettered after two runs", () -> queue("mem://chain-fail-dlq").stats().total() == 1);
        }
        assertThat(runs.get()).isEqualTo(2);
        assertThat(sluice.deadLetters(failing).peek(1).get(0).reason().orElseThrow().message()).contains("bytes");
    }

    @Test
    void aHungHandlerIsInterruptedAtTheHandlerTimeoutItsLeaseNoLongerExtendedAndTheAttemptFails() throws Exception {
        QueueSpec spec = QueueSpec.builder("mem://hung").maxDeliveryAttempts(1).lease(Duration.ofSeconds(10))
                .handlerTimeout(Duration.ofSeconds(60)).build();
        java.util.concurrent.CountDownLatch running = new java.util.concurrent.CountDownLatch(1);
        AtomicInteger starts = new AtomicInteger();
        try (Worker worker = sluice.worker(spec).on("job", (e, d) -> {
            starts.incrementAndGet();
            running.countDown();
            new java.util.concurrent.CountDownLatch(1).await(); // hangs until interrupted
        }).start()) {
            sluice.publisher(spec.uri()).publish(event("hung-1", "job")).get();
            assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
            for (int s = 0; s < 55; s += 5) {
                clock.advance(Duration.ofSeconds(5));
                Thread.sleep(20); // a lease that was not extended would let the receive loop start the handler again
                assertThat(starts).as("handler starts at %ss", s + 5).hasValue(1);
            }
            clock.advance(Duration.ofSeconds(5));
            Await.until("dead-lettered after the timeout", () -> queue("mem://hung-dlq").stats().total() == 1);
        }
        DeadLetter dead = sluice.deadLetters(spec).peek(10).get(0);
        assertThat(dead.reason().orElseThrow().exception()).isEqualTo(dev.sluice.HandlerTimeoutException.class.getName());
        assertThat(dead.reason().orElseThrow().message()).contains("60s");
    }
}
