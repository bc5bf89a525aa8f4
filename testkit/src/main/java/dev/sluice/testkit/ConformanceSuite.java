package dev.sluice.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sluice.ConfigurationException;
import dev.sluice.DeadLetter;
import dev.sluice.DeadLetterReason;
import dev.sluice.DeadLetters;
import dev.sluice.PermanentFailureException;
import dev.sluice.PublishOptions;
import dev.sluice.Publisher;
import dev.sluice.QueueSpec;
import dev.sluice.RetryPolicy;
import dev.sluice.Sluice;
import dev.sluice.SluiceException;
import dev.sluice.codec.CloudEventCodec;
import dev.sluice.spi.Capabilities;
import dev.sluice.spi.InboundMessage;
import dev.sluice.spi.OutboundMessage;
import dev.sluice.spi.QueueDriver;
import dev.sluice.worker.Worker;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The conformance suite every driver runs: extend it, return a {@link ConformanceHarness}, and JUnit runs
 * every case against your broker. Cases the broker's {@link Capabilities} rule out are reported as skipped
 * with the capability named, never left out silently.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class ConformanceSuite {
    private static final String TYPE = "dev.sluice.conformance";
    private static final AtomicInteger QUEUES = new AtomicInteger();

    protected ConformanceHarness harness;

    /** Creates the harness for this test class. */
    protected abstract ConformanceHarness createHarness() throws Exception;

    @BeforeAll
    void startHarness() throws Exception {
        harness = createHarness();
    }

    @AfterAll
    void stopHarness() {
        if (harness != null) harness.close();
    }

    // ---- wire format ----------------------------------------------------------------------------

    @Test
    void everyAttributeExtensionAndBinaryDataRoundTrip() throws Exception {
        QueueSpec spec = queue("roundtrip", b -> { });
        byte[] data = new byte[256];
        for (int i = 0; i < data.length; i++) data[i] = (byte) i;
        CloudEvent binary = CloudEventBuilder.v1().withId("rt-1").withSource(URI.create("/conformance/source"))
                .withType(TYPE).withSubject("subject-1").withTime(OffsetDateTime.parse("2026-03-04T05:06:07.123456789+02:00"))
                .withDataSchema(URI.create("https://schemas.example.com/thing")).withData("application/octet-stream", data)
                .withExtension("tenant", "acme").withExtension("traceparent", "00-abc-def-01").build();
        CloudEvent typed = CloudEventBuilder.v1().withId("rt-2").withSource(URI.create("urn:sluice:conformance"))
                .withType(TYPE).withData("application/json", "{\"a\": [1, 2.50, \"x\"]}".getBytes(StandardCharsets.UTF_8))
                .withExtension("count", 42).withExtension("urgent", true).withExtension("label", "x").build();
        CloudEvent noData = CloudEventBuilder.v1().withId("rt-3").withSource(URI.create("/s")).withType(TYPE).build();

        List<CloudEvent> received = consume(spec, List.of(binary, typed, noData));

        assertThat(received).containsExactlyInAnyOrder(binary, typed, noData);
    }

    @Test
    void foreignMessageIsWrappedAsCloudEvent() throws Exception {
        QueueSpec spec = queue("foreign", b -> { });
        QueueDriver driver = open(spec).driver();
        String id = driver.send(List.of(new OutboundMessage("legacy-1", "hello, world".getBytes(StandardCharsets.UTF_8),
                Map.of("origin", "legacy"), orderingKeyIfRequired(driver), null, Duration.ZERO))).get(0).messageId();

        List<CloudEvent> received = consume(spec, CloudEventCodec.FOREIGN_TYPE, 1);

        CloudEvent e = received.get(0);
        assertThat(e.getId()).isEqualTo(id);
        assertThat(e.getSource()).isEqualTo(spec.uri());
        assertThat(e.getType()).isEqualTo(CloudEventCodec.FOREIGN_TYPE);
        assertThat(e.getExtension("origin")).isEqualTo("legacy");
        assertThat(new String(e.getData().toBytes(), StandardCharsets.UTF_8)).isEqualTo("hello, world");
    }

    @Test
    void oversizedEventIsRejectedBeforeSending() throws Exception {
        QueueSpec spec = queue("oversized", b -> { });
        QueueDriver driver = open(spec).driver();
        int max = driver.capabilities().maxMessageBytes();
        CloudEvent big = CloudEventBuilder.v1().withId("big-1").withSource(URI.create("/s")).withType(TYPE)
                .withData("text/plain", new byte[max + 1]).build();
        Publisher publisher = sluice().publisher(spec.uri());

        assertThatThrownBy(() -> publisher.publish(big, options(driver)))
                .isInstanceOf(SluiceException.class)
                .hasMessageContaining("big-1").hasMessageContaining(String.valueOf(max));
        assertThat(driver.receive(10, shortWait())).isEmpty();
    }

    @Test
    void eventMissingRequiredAttributeIsRejectedNamingIt() throws Exception {
        QueueSpec spec = queue("invalid", b -> { });
        Publisher publisher = sluice().publisher(spec.uri());
        CloudEvent noType = new MissingTypeEvent(CloudEventBuilder.v1().withId("bad-1").withSource(URI.create("/s"))
                .withType("placeholder").build());

        assertThatThrownBy(() -> publisher.publish(noType))
                .isInstanceOf(SluiceException.class).hasMessageContaining("bad-1").hasMessageContaining("'type'");
    }

    // ---- acknowledgement, redelivery, attempts --------------------------------------------------

    @Test
    void ackRemovesTheMessage() throws Exception {
        QueueSpec spec = queue("ack", b -> b.lease(harness.shortLease()));
        QueueDriver driver = open(spec).driver();
        publish(spec, event("ack-1"));
        InboundMessage m = receiveOne(driver);

        assertThat(driver.ack(List.of(m))).isEmpty();
        harness.advance(harness.shortLease().plusSeconds(1));
        assertThat(driver.receive(10, shortWait())).isEmpty();
    }

    @Test
    void nackWithDelayRedeliversNoEarlierThanTheDelay() throws Exception {
        QueueSpec spec = queue("nack", b -> b.lease(Duration.ofSeconds(30)));
        QueueDriver driver = open(spec).driver();
        publish(spec, event("nack-1"));
        InboundMessage first = receiveOne(driver);
        Duration delay = Duration.ofSeconds(2);
        Instant nackedAt = sluice().scheduler().now();

        driver.nack(first, delay);
        harness.advance(Duration.ofMillis(1500));
        assertThat(driver.receive(10, Duration.ZERO)).as("redelivered before the delay").isEmpty();
        harness.advance(Duration.ofMillis(1000));
        InboundMessage again = receiveOne(driver);

        assertThat(again.messageId()).isEqualTo(first.messageId());
        assertThat(Duration.between(nackedAt, sluice().scheduler().now())).isGreaterThanOrEqualTo(delay);
        driver.ack(List.of(again));
    }

    @Test
    void attemptIncreasesByOnePerDelivery() throws Exception {
        QueueSpec spec = queue("attempts", b -> b.lease(Duration.ofSeconds(30)));
        QueueDriver driver = open(spec).driver();
        publish(spec, event("attempt-1"));
        List<InboundMessage> deliveries = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            InboundMessage m = receiveOne(driver);
            deliveries.add(m);
            if (i < 2) driver.nack(m, Duration.ZERO); else driver.ack(List.of(m));
        }
        if (driver.capabilities().attempts() == Capabilities.AttemptCounting.NONE) {
            assertThat(deliveries).allSatisfy(m -> assertThat(m.attempt()).isEmpty());
        } else {
            assertThat(deliveries).extracting(m -> m.attempt().orElse(-1)).containsExactly(1, 2, 3);
        }
    }

    @Test
    void leaseExpiryRedelivers() throws Exception {
        QueueSpec spec = queue("expiry", b -> b.lease(harness.shortLease()));
        QueueDriver driver = open(spec).driver();
        publish(spec, event("expiry-1"));
        InboundMessage first = receiveOne(driver);

        harness.advance(harness.shortLease().plusSeconds(1));
        InboundMessage again = receiveOne(driver);

        assertThat(again.messageId()).isEqualTo(first.messageId());
        driver.ack(List.of(again));
    }

    @Test
    void leaseExtensionPreventsRedelivery() throws Exception {
        Duration lease = harness.shortLease();
        QueueSpec spec = queue("extend", b -> b.lease(lease).concurrency(2));
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        Set<String> done = ConcurrentHashMap.newKeySet();
        try (Worker worker = sluice().worker(spec).on(TYPE, (e, d) -> {
            calls.incrementAndGet();
            release.await(60, TimeUnit.SECONDS);
            done.add(e.getId());
        }).start()) {
            publish(spec, event("long-1"));
            Await.until("the handler started", () -> calls.get() == 1);
            for (int i = 0; i < 6; i++) harness.advance(lease.dividedBy(2));
            assertThat(calls.get()).as("deliveries while the handler still ran").isEqualTo(1);
            release.countDown();
            Await.until("the handler finished", () -> done.contains("long-1"));
        }
        assertThat(open(spec).driver().receive(10, shortWait())).isEmpty();
    }

    // ---- the worker: retries, dead letters -------------------------------------------------------

    @Test
    void deadLetteredAfterExactlyMaxDeliveryAttemptsWithReasons() throws Exception {
        int max = Math.max(3, open(queue("probe", b -> { })).driver().capabilities().minDeliveryAttempts());
        QueueSpec spec = queue("dlq-attempts", b -> b.maxDeliveryAttempts(max).retryPolicy(RetryPolicy.fixed(Duration.ofSeconds(1))));
        AtomicInteger calls = new AtomicInteger();
        try (Worker worker = sluice().worker(spec).on(TYPE, (e, d) -> {
            calls.incrementAndGet();
            throw new IllegalStateException("always fails");
        }).start()) {
            publish(spec, event("doomed-1"));
            advanceUntil(max + " attempts", () -> calls.get() >= max);
            List<DeadLetter> dead = awaitDeadLetters(spec, 1);
            DeadLetterReason reason = dead.get(0).reason().orElseThrow();
            assertThat(calls.get()).isEqualTo(max);
            assertThat(dead.get(0).event().getId()).isEqualTo("doomed-1");
            assertThat(reason.cause()).isEqualTo(DeadLetterReason.Cause.MAX_ATTEMPTS);
            assertThat(reason.exception()).isEqualTo(IllegalStateException.class.getName());
            assertThat(reason.message()).isEqualTo("always fails");
            assertThat(reason.sourceQueue()).isEqualTo(spec.uri().toString());
            assertThat(reason.firstFailure()).isBefore(reason.lastFailure());
            if (open(spec).driver().capabilities().attempts() != Capabilities.AttemptCounting.NONE) {
                assertThat(reason.attempts()).isEqualTo(max);
            }
        }
    }

    @Test
    void permanentFailureGoesStraightToTheDeadLetterQueue() throws Exception {
        QueueSpec spec = queue("permanent", b -> { });
        AtomicInteger calls = new AtomicInteger();
        try (Worker worker = sluice().worker(spec).on(TYPE, (e, d) -> {
            calls.incrementAndGet();
            throw new PermanentFailureException("bad address");
        }).start()) {
            publish(spec, event("perm-1"));
            DeadLetterReason reason = awaitDeadLetters(spec, 1).get(0).reason().orElseThrow();
            assertThat(calls.get()).isEqualTo(1);
            assertThat(reason.cause()).isEqualTo(DeadLetterReason.Cause.PERMANENT_FAILURE);
            assertThat(reason.message()).isEqualTo("bad address");
        }
    }

    @Test
    void undecodableMessageGoesToTheDeadLetterQueueAndTheWorkerKeepsGoing() throws Exception {
        QueueSpec spec = queue("undecodable", b -> { });
        QueueDriver driver = open(spec).driver();
        Set<String> handled = ConcurrentHashMap.newKeySet();
        try (Worker worker = sluice().worker(spec).on(TYPE, (e, d) -> handled.add(e.getId())).start()) {
            driver.send(List.of(new OutboundMessage("corrupt", "x".getBytes(StandardCharsets.UTF_8),
                    Map.of("ce-specversion", "1.0", "ce-source", "/s", "ce-type", TYPE),
                    orderingKeyIfRequired(driver), null, Duration.ZERO)));
            publish(spec, event("fine-1"));
            Await.until("the valid event after the corrupt one", () -> handled.contains("fine-1"));
            DeadLetter dead = awaitDeadLetters(spec, 1).get(0);
            assertThat(dead.event()).isNull();
            assertThat(dead.reason().orElseThrow().cause()).isEqualTo(DeadLetterReason.Cause.UNDECODABLE);
            assertThat(dead.reason().orElseThrow().message()).contains("ce-id");
        }
    }

    @Test
    void unknownTypeIsDeadLetteredWithTheReason() throws Exception {
        QueueSpec spec = queue("unknown", b -> { });
        try (Worker worker = sluice().worker(spec).on(TYPE, (e, d) -> { }).start()) {
            publish(spec, CloudEventBuilder.v1().withId("stray-1").withSource(URI.create("/s")).withType("nobody.handles").build());
            DeadLetterReason reason = awaitDeadLetters(spec, 1).get(0).reason().orElseThrow();
            assertThat(reason.cause()).isEqualTo(DeadLetterReason.Cause.UNKNOWN_TYPE);
            assertThat(reason.message()).contains("nobody.handles");
        }
    }

    @Test
    void deadLettersRedriveBackToTheSourceQueue() throws Exception {
        QueueSpec spec = queue("redrive", b -> { });
        Set<String> handled = ConcurrentHashMap.newKeySet();
        AtomicInteger failuresLeft = new AtomicInteger(2);
        try (Worker worker = sluice().worker(spec).on(TYPE, (e, d) -> {
            if (failuresLeft.getAndDecrement() > 0) throw new PermanentFailureException("not yet");
            handled.add(e.getId());
        }).start()) {
            publish(spec, event("again-1"));
            publish(spec, event("again-2"));
            awaitDeadLetters(spec, 2);
            DeadLetters.RedriveResult result = sluice().deadLetters(spec).redrive(d -> "again-2".equals(d.event().getId()));
            assertThat(result.moved()).isEqualTo(1);
            Await.until("the redriven event handled", () -> handled.contains("again-2"));
            assertThat(sluice().deadLetters(spec).peek(10)).extracting(d -> d.event().getId()).containsExactly("again-1");
        }
    }

    // ---- ordering, deduplication, delay -----------------------------------------------------------

    @Test
    void perKeyOrderHoldsUnderRandomFailures() throws Exception {
        Capabilities caps = capabilities();
        assumeTrue(caps.ordering(), capabilityMissing("ordering"));
        QueueSpec spec = queue("ordered", b -> b.ordering(true).maxDeliveryAttempts(Math.min(1000, caps.maxDeliveryAttempts()))
                .retryPolicy(RetryPolicy.immediate()).concurrency(8));
        int keys = 5;
        int perKey = harness.virtualTime() ? 40 : 12;
        Map<String, List<Integer>> handled = new ConcurrentHashMap<>();
        Set<String> failedOnce = ConcurrentHashMap.newKeySet();
        try (Worker worker = sluice().worker(spec).on(TYPE, (e, d) -> {
            String id = e.getId();
            if (Math.floorMod(id.hashCode(), 5) == 0 && failedOnce.add(id)) throw new IllegalStateException("random failure");
            handled.computeIfAbsent(e.getSubject(), k -> Collections.synchronizedList(new ArrayList<>()))
                    .add(Integer.parseInt(id.substring(id.lastIndexOf('-') + 1)));
        }).start()) {
            Publisher publisher = sluice().publisher(spec.uri());
            for (int i = 0; i < perKey; i++) {
                for (int k = 0; k < keys; k++) {
                    CloudEvent e = CloudEventBuilder.v1().withId("k" + k + "-" + i).withSource(URI.create("/s"))
                            .withType(TYPE).withSubject("k" + k).build();
                    publisher.publish(e, PublishOptions.orderingKey("k" + k)).get(30, TimeUnit.SECONDS);
                }
            }
            Await.until("all handled", () -> handled.values().stream().mapToInt(List::size).sum() >= keys * perKey,
                    Duration.ofSeconds(90));
        }
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < perKey; i++) expected.add(i);
        assertThat(failedOnce).isNotEmpty();
        for (int k = 0; k < keys; k++) {
            assertThat(handled.get("k" + k)).as("order of key k" + k).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void duplicateWithinTheWindowIsDeliveredOnce() throws Exception {
        assumeTrue(capabilities().deduplication(), capabilityMissing("deduplication"));
        QueueSpec spec = queue("dedup", b -> b.deduplication(true));
        Publisher publisher = sluice().publisher(spec.uri());
        PublishOptions once = options(open(spec).driver()).withDeduplicationId("order-42");
        publisher.publish(event("dup-1"), once).get(30, TimeUnit.SECONDS);
        publisher.publish(event("dup-2"), once).get(30, TimeUnit.SECONDS);
        publisher.publish(event("other-1"), options(open(spec).driver())).get(30, TimeUnit.SECONDS);

        List<CloudEvent> received = consume(spec, TYPE, 2);
        harness.advance(Duration.ofSeconds(1));

        assertThat(received).extracting(CloudEvent::getId).containsExactlyInAnyOrder("dup-1", "other-1");
        assertThat(open(spec).driver().receive(10, shortWait())).isEmpty();
    }

    @Test
    void theSameEventPublishedTwiceWithoutADeduplicationIdIsDeliveredTwiceOnEveryBroker() throws Exception {
        QueueSpec spec = queue("same-id-twice", b -> { });
        CloudEvent e = event("twice-1");
        publish(spec, e);
        publish(spec, e); // a producer that published again: only a deduplication id makes it a duplicate
        assertThat(consume(spec, TYPE, 2)).extracting(CloudEvent::getId).containsExactly("twice-1", "twice-1");
    }

    @Test
    void perMessageDelayHoldsTheMessageBack() throws Exception {
        assumeTrue(capabilities().delays(), capabilityMissing("per-message delay"));
        QueueSpec spec = queue("delay", b -> b.delays(true));
        QueueDriver driver = open(spec).driver();
        Instant sentAt = sluice().scheduler().now();
        sluice().publisher(spec.uri()).publish(event("later-1"), PublishOptions.delay(Duration.ofSeconds(2)))
                .get(30, TimeUnit.SECONDS);

        harness.advance(Duration.ofMillis(1500));
        assertThat(driver.receive(10, Duration.ZERO)).as("delivered before its delay").isEmpty();
        harness.advance(Duration.ofMillis(1000));
        InboundMessage m = receiveOne(driver);

        assertThat(Duration.between(sentAt, sluice().scheduler().now())).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        driver.ack(List.of(m));
    }

    // ---- start-up errors for what the broker cannot do -----------------------------------------------

    @Test
    void orderingOnABrokerWithoutItFailsAtStartUp() {
        QueueSpec spec = queue("no-ordering", b -> { });
        Capabilities caps = open(spec).driver().capabilities();
        assumeFalse(caps.ordering(), caps.broker() + " supports ordering: nothing to refuse");
        assertStartUpFails(spec.toBuilder().ordering(true).build(), caps.broker(), "order");
    }

    @Test
    void deduplicationOnABrokerWithoutItFailsAtStartUp() {
        QueueSpec spec = queue("no-dedup", b -> { });
        Capabilities caps = open(spec).driver().capabilities();
        assumeFalse(caps.deduplication(), caps.broker() + " supports deduplication: nothing to refuse");
        assertStartUpFails(spec.toBuilder().deduplication(true).build(), caps.broker(), "deduplicat");
    }

    @Test
    void delaysOnABrokerWithoutThemFailAtStartUp() {
        QueueSpec spec = queue("no-delays", b -> { });
        Capabilities caps = open(spec).driver().capabilities();
        assumeFalse(caps.delays(), caps.broker() + " supports per-message delays: nothing to refuse");
        assertStartUpFails(spec.toBuilder().delays(true).build(), caps.broker(), "delay");
    }

    @Test
    void attemptsBeyondTheBrokersRangeFailAtStartUp() {
        QueueSpec spec = queue("attempt-range", b -> { });
        Capabilities caps = open(spec).driver().capabilities();
        assertStartUpFails(spec.toBuilder().maxDeliveryAttempts(caps.maxDeliveryAttempts() + 1).build(),
                caps.broker(), String.valueOf(caps.maxDeliveryAttempts()));
    }

    // ---- shutdown ---------------------------------------------------------------------------------

    @Test
    void gracefulCloseLosesNothing() throws Exception {
        QueueSpec spec = queue("close", b -> b.concurrency(4).lease(Duration.ofSeconds(30)));
        int total = 40;
        Set<String> handled = ConcurrentHashMap.newKeySet();
        Publisher publisher = sluice().publisher(spec.uri());
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < total; i++) ids.add("close-" + i);
        for (String id : ids) publisher.publish(event(id), options(open(spec).driver())).get(30, TimeUnit.SECONDS);
        Worker worker = sluice().worker(spec).on(TYPE, (e, d) -> {
            TimeUnit.MILLISECONDS.sleep(20);
            handled.add(e.getId());
        }).start();
        Await.until("some events handled", () -> handled.size() >= 5);
        worker.close();

        Set<String> handledBeforeClose = new HashSet<>(handled);
        Set<String> left = new HashSet<>();
        for (CloudEvent e : drain(open(spec).driver())) left.add(e.getId());

        assertThat(handledBeforeClose).doesNotContainAnyElementsOf(left);
        Set<String> all = new HashSet<>(handledBeforeClose);
        all.addAll(left);
        assertThat(all).containsExactlyInAnyOrderElementsOf(ids);
    }

    // ---- helpers ----------------------------------------------------------------------------------

    /** The Sluice under test. */
    protected Sluice sluice() {
        return harness.sluice();
    }

    private QueueSpec queue(String name, Consumer<QueueSpec.Builder> settings) {
        QueueSpec.Builder b = harness.newQueue(name + "-" + QUEUES.incrementAndGet(), false);
        settings.accept(b);
        QueueSpec spec = b.build();
        if (spec.ordering()) {
            QueueSpec.Builder ordered = harness.newQueue(name + "-" + QUEUES.incrementAndGet(), true);
            settings.accept(ordered);
            spec = ordered.build();
        }
        return spec;
    }

    /** The broker's capabilities, read from a plain queue of an ordered kind where the harness has one. */
    private Capabilities capabilities() {
        return sluice().driver(harness.newQueue("capabilities-" + QUEUES.incrementAndGet(), true).build().uri()).capabilities();
    }

    private Sluice.OpenQueue open(QueueSpec spec) {
        return sluice().open(spec);
    }

    /** Lets time pass in small steps until {@code condition} holds (bounded by wall time). */
    private void advanceUntil(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for: " + what);
            harness.advance(Duration.ofMillis(100));
            if (harness.virtualTime()) TimeUnit.MILLISECONDS.sleep(2);
        }
    }

    private Duration shortWait() {
        return harness.virtualTime() ? Duration.ZERO : Duration.ofSeconds(1);
    }

    private static String capabilityMissing(String capability) {
        return "the broker lacks the capability: " + capability;
    }

    private void assertStartUpFails(QueueSpec spec, String broker, String detail) {
        assertThatThrownBy(() -> sluice().worker(spec).on(TYPE, (e, d) -> { }).start().close())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(broker).hasMessageContaining(detail);
    }

    private static CloudEvent event(String id) {
        return CloudEventBuilder.v1().withId(id).withSource(URI.create("/conformance")).withType(TYPE)
                .withData("text/plain", id.getBytes(StandardCharsets.UTF_8)).build();
    }

    /** Ordering brokers that need a key on every message (SQS FIFO) get one. */
    private static String orderingKeyIfRequired(QueueDriver driver) {
        return driver.capabilities().ordering() ? "conformance" : null;
    }

    private static PublishOptions options(QueueDriver driver) {
        String key = orderingKeyIfRequired(driver);
        return key == null ? PublishOptions.NONE : PublishOptions.orderingKey(key);
    }

    private void publish(QueueSpec spec, CloudEvent event) throws Exception {
        sluice().publisher(spec.uri()).publish(event, options(open(spec).driver())).get(30, TimeUnit.SECONDS);
    }

    private InboundMessage receiveOne(QueueDriver driver) throws InterruptedException {
        for (int i = 0; i < 30; i++) {
            List<InboundMessage> got = driver.receive(1, Duration.ofSeconds(1));
            if (!got.isEmpty()) return got.get(0);
        }
        throw new AssertionError("no message arrived on " + driver.uri());
    }

    /** Publishes events and consumes them back through a worker. */
    private List<CloudEvent> consume(QueueSpec spec, List<CloudEvent> events) throws Exception {
        for (CloudEvent e : events) publish(spec, e);
        return consume(spec, TYPE, events.size());
    }

    private List<CloudEvent> consume(QueueSpec spec, String type, int count) throws Exception {
        List<CloudEvent> received = new CopyOnWriteArrayList<>();
        try (Worker worker = sluice().worker(spec).on(type, (e, d) -> received.add(e)).start()) {
            Await.until(count + " events received", () -> received.size() >= count);
        }
        return received;
    }

    private List<DeadLetter> awaitDeadLetters(QueueSpec spec, int count) throws InterruptedException {
        List<DeadLetter> dead = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (dead.size() < count && System.nanoTime() < deadline) {
            dead = sluice().deadLetters(spec).peek(count + 10);
        }
        assertThat(dead).as("dead letters of " + spec.uri()).hasSize(count);
        return dead;
    }

    /** Receives and acks everything left on the queue. */
    private List<CloudEvent> drain(QueueDriver driver) throws Exception {
        CloudEventCodec codec = new CloudEventCodec(driver.capabilities());
        List<CloudEvent> events = new ArrayList<>();
        while (true) {
            List<InboundMessage> got = driver.receive(10, Duration.ofSeconds(1));
            if (got.isEmpty()) return events;
            for (InboundMessage m : got) events.add(codec.decode(m, driver.uri()));
            driver.ack(got);
        }
    }

    /** An event whose type is missing, as a hand-written CloudEvent implementation might produce. */
    private record MissingTypeEvent(CloudEvent delegate) implements CloudEvent {
        @Override public io.cloudevents.CloudEventData getData() { return delegate.getData(); }
        @Override public io.cloudevents.SpecVersion getSpecVersion() { return delegate.getSpecVersion(); }
        @Override public String getId() { return delegate.getId(); }
        @Override public String getType() { return null; }
        @Override public URI getSource() { return delegate.getSource(); }
        @Override public String getDataContentType() { return null; }
        @Override public URI getDataSchema() { return null; }
        @Override public String getSubject() { return null; }
        @Override public OffsetDateTime getTime() { return null; }
        @Override public Object getAttribute(String name) { return delegate.getAttribute(name); }
        @Override public Object getExtension(String name) { return null; }
        @Override public Set<String> getExtensionNames() { return Set.of(); }
    }
}
