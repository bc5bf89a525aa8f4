package dev.sluice.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sluice.ConfigurationException;
import dev.sluice.DeadLetter;
import dev.sluice.DeadLetterFilter;
import dev.sluice.DeadLetterReason;
import dev.sluice.PermanentFailureException;
import dev.sluice.PublishOptions;
import dev.sluice.Publisher;
import dev.sluice.QueueSpec;
import dev.sluice.Redaction;
import dev.sluice.RetryPolicy;
import dev.sluice.codec.CloudEventCodec;
import dev.sluice.core.DeadLetters;
import dev.sluice.core.Sluice;
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
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The engine half of the conformance suite: the cases that go through {@link Sluice}, {@link Publisher},
 * {@link Worker} and {@link DeadLetters} on a real broker: the wire format end to end, retries and dead
 * letters with their reasons, redrive, per-key order under failures, lease auto-extension, graceful close.
 * Run it by extending {@link ConformanceSuite}, which runs both halves.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class EngineConformance extends ConformanceCases {

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
        // the queue's identity: its URI without the query (endpoint, region, subscription say how to reach it)
        assertThat(e.getSource()).isEqualTo(URI.create(spec.uri().toString().replaceFirst("[?#].*$", "")));
        assertThat(e.getType()).isEqualTo(CloudEventCodec.FOREIGN_TYPE);
        assertThat(e.getExtension("origin")).isEqualTo("legacy");
        assertThat(new String(e.getData().toBytes(), StandardCharsets.UTF_8)).isEqualTo("hello, world");
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
    void aDuplicateDeduplicationIdThroughThePublisherIsDeliveredOnce() throws Exception {
        assumeTrue(capabilities().deduplication(), capabilityMissing("deduplication"));
        QueueSpec spec = queue("dedup-publisher", b -> b.deduplication(true));
        Publisher publisher = sluice().publisher(spec.uri());
        PublishOptions once = options(open(spec).driver()).withDeduplicationId("order-42");
        publisher.publish(event("dup-1"), once).get(30, TimeUnit.SECONDS);
        publisher.publish(event("dup-2"), once).get(30, TimeUnit.SECONDS);
        publisher.publish(event("other-1"), options(open(spec).driver())).get(30, TimeUnit.SECONDS);

        assertThat(consume(spec, TYPE, 2)).extracting(CloudEvent::getId).containsExactlyInAnyOrder("dup-1", "other-1");
        harness().advance(Duration.ofSeconds(1));
        assertThat(open(spec).driver().receive(10, shortWait())).isEmpty();
    }

    // ---- the worker: leases, retries, dead letters ------------------------------------------------

    @Test
    void leaseAutoExtensionPreventsRedeliveryWhileTheHandlerRuns() throws Exception {
        Duration lease = harness().shortLease();
        QueueSpec spec = queue("extend", b -> b.lease(lease).concurrency(2));
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        try (Worker worker = sluice().worker(spec).on(TYPE, (e, d) -> {
            calls.incrementAndGet();
            started.countDown();
            release.await(60, TimeUnit.SECONDS);
            done.countDown();
        }).start()) {
            publish(spec, event("long-1"));
            assertThat(started.await(30, TimeUnit.SECONDS)).as("the handler started").isTrue();
            for (int i = 0; i < 6; i++) harness().advance(lease.dividedBy(2));
            assertThat(calls.get()).as("deliveries while the handler still ran (3 leases)").isEqualTo(1);
            release.countDown();
            assertThat(done.await(30, TimeUnit.SECONDS)).as("the handler finished").isTrue();
        }
        harness().advance(lease.plusSeconds(1));
        assertThat(open(spec).driver().receive(10, shortWait())).as("left on the queue after the handler succeeded").isEmpty();
    }

    @Test
    void deadLetteredAfterExactlyMaxDeliveryAttemptsWithReasons() throws Exception {
        int max = Math.max(3, capabilities().minDeliveryAttempts());
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
            assertThat(reason.sourceQueue()).isEqualTo(Redaction.uri(spec.uri()));
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
        CountDownLatch fine = new CountDownLatch(1);
        try (Worker worker = sluice().worker(spec).on(TYPE, (e, d) -> {
            if ("fine-1".equals(e.getId())) fine.countDown();
        }).start()) {
            driver.send(List.of(new OutboundMessage("corrupt", "x".getBytes(StandardCharsets.UTF_8),
                    Map.of("ce-specversion", "1.0", "ce-source", "/s", "ce-type", TYPE),
                    orderingKeyIfRequired(driver), null, Duration.ZERO)));
            publish(spec, event("fine-1"));
            assertThat(fine.await(30, TimeUnit.SECONDS)).as("the valid event after the corrupt one").isTrue();
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
        CountDownLatch redriven = new CountDownLatch(1);
        AtomicInteger failuresLeft = new AtomicInteger(2);
        try (Worker worker = sluice().worker(spec).on(TYPE, (e, d) -> {
            if (failuresLeft.getAndDecrement() > 0) throw new PermanentFailureException("not yet");
            if ("again-2".equals(e.getId())) redriven.countDown();
        }).start()) {
            publish(spec, event("again-1"));
            publish(spec, event("again-2"));
            awaitDeadLetters(spec, 2);
            DeadLetters.RedriveResult result = sluice().deadLetters(spec).redrive(d -> "again-2".equals(d.event().getId()));
            assertThat(result.moved()).isEqualTo(1);
            assertThat(redriven.await(30, TimeUnit.SECONDS)).as("the redriven event handled").isTrue();
            assertThat(sluice().deadLetters(spec).peek(10)).extracting(d -> d.event().getId()).containsExactly("again-1");
        }
    }

    @Test
    void deadLettersAreBrowsedCountedRedrivenAndPurgedByFilter() throws Exception {
        QueueSpec spec = queue("dlq-ops", b -> { });
        String other = TYPE + ".other";
        java.time.Instant before = sluice().scheduler().now().minusSeconds(60);
        AtomicInteger handled = new AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean mailUp = new java.util.concurrent.atomic.AtomicBoolean();
        try (Worker worker = sluice().worker(spec)
                .on(TYPE, (e, d) -> {
                    if (!mailUp.get()) throw new PermanentFailureException("smtp down");
                    handled.incrementAndGet();
                })
                .on(other, (e, d) -> {
                    throw new PermanentFailureException("bad address");
                }).start()) {
            for (int i = 0; i < 3; i++) publish(spec, event("mail-" + i));
            for (int i = 0; i < 2; i++) {
                publish(spec, CloudEventBuilder.v1(event("addr-" + i)).withType(other).build());
            }
            awaitDeadLetters(spec, 5);
            DeadLetters dead = sluice().deadLetters(spec);
            DeadLetterFilter all = DeadLetterFilter.all();

            assertThat(dead.count(all.withType(TYPE))).as("dead letters of type " + TYPE).isEqualTo(3);
            assertThat(dead.count(all.withReasonContaining("BAD ADDRESS"))).as("reason contains, any case").isEqualTo(2);
            assertThat(dead.count(all.withSince(before))).isEqualTo(5);
            assertThat(dead.count(all.withSince(sluice().scheduler().now().plusSeconds(3600)))).isZero();

            DeadLetters.Page first = dead.browse(all, 0, 2);
            assertThat(first.letters()).hasSize(2);
            assertThat(first.more()).isTrue();
            DeadLetters.Page last = dead.browse(all, 4, 2);
            assertThat(last.letters()).hasSize(1);
            assertThat(last.more()).isFalse();
            String oneId = first.letters().get(0).messageId();
            assertThat(dead.peek(all.withMessageIds(Set.of(oneId)), 10)).extracting(DeadLetter::messageId)
                    .containsExactly(oneId);

            mailUp.set(true);
            List<DeadLetters.Progress> progress = new CopyOnWriteArrayList<>();
            DeadLetters.RedriveResult result = dead.redrive(all.withType(TYPE), progress::add, () -> false);
            assertThat(result.moved()).isEqualTo(3);
            assertThat(result.kept()).isEqualTo(2);
            assertThat(result.cancelled()).isFalse();
            assertThat(progress).isNotEmpty();
            assertThat(progress.get(progress.size() - 1)).isEqualTo(new DeadLetters.Progress(5, 3, 2));
            Await.until("the 3 redriven events handled", () -> handled.get() == 3);

            assertThat(dead.purge(all.withReasonContaining("bad address"))).isEqualTo(2);
            assertThat(dead.peek(10)).as("dead letters left after the purge").isEmpty();
        }
    }

    @Test
    void aWorkerOnAMissingQueueThatItMayNotCreateFailsAtStartUpNamingTheQueue() {
        assumeTrue(harness().queuesCanBeMissing(), "the broker creates a queue when it is first named: no queue can be missing");
        QueueSpec spec = queue("verify-missing", b -> b.provisioning(QueueSpec.Provisioning.VERIFY));
        String name = spec.uri().toString().replaceAll("^.*?(verify-missing-\\d+).*$", "$1");
        assertThatThrownBy(() -> sluice().worker(spec).on(TYPE, (e, d) -> { }).start().close())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining(name);
    }

    // ---- ordering -----------------------------------------------------------------------------------

    @Test
    void perKeyOrderHoldsUnderRandomFailures() throws Exception {
        Capabilities caps = capabilities();
        assumeTrue(caps.ordering(), capabilityMissing("ordering"));
        QueueSpec spec = queue("ordered", b -> b.ordering(true).maxDeliveryAttempts(Math.min(1000, caps.maxDeliveryAttempts()))
                .retryPolicy(RetryPolicy.immediate()).concurrency(8));
        int keys = 5;
        int perKey = harness().virtualTime() ? 40 : 12;
        Map<String, List<Integer>> handled = new ConcurrentHashMap<>();
        Set<String> failedOnce = ConcurrentHashMap.newKeySet();
        CountDownLatch all = new CountDownLatch(keys * perKey);
        try (Worker worker = sluice().worker(spec).on(TYPE, (e, d) -> {
            String id = e.getId();
            if (Math.floorMod(id.hashCode(), 5) == 0 && failedOnce.add(id)) throw new IllegalStateException("random failure");
            handled.computeIfAbsent(e.getSubject(), k -> Collections.synchronizedList(new ArrayList<>()))
                    .add(Integer.parseInt(id.substring(id.lastIndexOf('-') + 1)));
            all.countDown();
        }).start()) {
            Publisher publisher = sluice().publisher(spec.uri());
            for (int i = 0; i < perKey; i++) {
                for (int k = 0; k < keys; k++) {
                    CloudEvent e = CloudEventBuilder.v1().withId("k" + k + "-" + i).withSource(URI.create("/s"))
                            .withType(TYPE).withSubject("k" + k).build();
                    publisher.publish(e, PublishOptions.orderingKey("k" + k)).get(30, TimeUnit.SECONDS);
                }
            }
            assertThat(all.await(90, TimeUnit.SECONDS)).as("all handled").isTrue();
        }
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < perKey; i++) expected.add(i);
        assertThat(failedOnce).isNotEmpty();
        for (int k = 0; k < keys; k++) {
            assertThat(handled.get("k" + k)).as("order of key k" + k).containsExactlyElementsOf(expected);
        }
    }

    // ---- shutdown ---------------------------------------------------------------------------------

    @Test
    void gracefulCloseWaitsForRunningHandlersAndLosesNothing() throws Exception {
        int concurrency = 4;
        QueueSpec spec = queue("close", b -> b.concurrency(concurrency).lease(Duration.ofSeconds(30)));
        int total = 40;
        Set<String> handled = ConcurrentHashMap.newKeySet();
        Publisher publisher = sluice().publisher(spec.uri());
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < total; i++) ids.add("close-" + i);
        for (String id : ids) publisher.publish(event(id), options(open(spec).driver())).get(30, TimeUnit.SECONDS);
        // The first five finish at once; from then on handlers hold until the worker is closing.
        CountDownLatch firstFive = new CountDownLatch(5);
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch gate = new CountDownLatch(1);
        AtomicInteger started = new AtomicInteger();
        Worker worker = sluice().worker(spec).on(TYPE, (e, d) -> {
            if (started.incrementAndGet() > 5) {
                holding.countDown();
                gate.await(60, TimeUnit.SECONDS);
            }
            handled.add(e.getId());
            firstFive.countDown();
        }).start();
        assertThat(firstFive.await(30, TimeUnit.SECONDS)).as("five events handled").isTrue();
        assertThat(holding.await(30, TimeUnit.SECONDS)).as("a handler running").isTrue();

        AtomicReference<Throwable> closeFailed = new AtomicReference<>();
        CountDownLatch closed = new CountDownLatch(1);
        Thread closer = new Thread(() -> {
            try {
                worker.close();
            } catch (Throwable t) {
                closeFailed.set(t);
            } finally {
                closed.countDown();
            }
        }, "conformance-close");
        closer.start();
        assertThat(closed.await(300, TimeUnit.MILLISECONDS)).as("close returned while a handler still ran").isFalse();
        gate.countDown();
        assertThat(closed.await(60, TimeUnit.SECONDS)).as("close returned once the handlers finished").isTrue();
        assertThat(closeFailed.get()).isNull();

        Set<String> handledBeforeClose = new HashSet<>(handled);
        Set<String> left = new HashSet<>();
        for (CloudEvent e : drain(open(spec).driver())) left.add(e.getId());

        assertThat(handledBeforeClose).doesNotContainAnyElementsOf(left);
        Set<String> all = new HashSet<>(handledBeforeClose);
        all.addAll(left);
        assertThat(all).containsExactlyInAnyOrderElementsOf(ids);
    }

    // ---- helpers ----------------------------------------------------------------------------------

    private Sluice.OpenQueue open(QueueSpec spec) {
        return sluice().open(spec);
    }

    /** Lets time pass in small steps until {@code condition} holds (bounded by wall time). */
    private void advanceUntil(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for: " + what);
            harness().advance(Duration.ofMillis(100));
            // on a virtual clock, give the worker's threads a moment to act on what fell due
            if (harness().virtualTime()) TimeUnit.MILLISECONDS.sleep(2);
        }
    }

    private void publish(QueueSpec spec, CloudEvent event) throws Exception {
        sluice().publisher(spec.uri()).publish(event, options(open(spec).driver())).get(30, TimeUnit.SECONDS);
    }

    /** Publishes events and consumes them back through a worker. */
    private List<CloudEvent> consume(QueueSpec spec, List<CloudEvent> events) throws Exception {
        for (CloudEvent e : events) publish(spec, e);
        return consume(spec, TYPE, events.size());
    }

    private List<CloudEvent> consume(QueueSpec spec, String type, int count) throws Exception {
        List<CloudEvent> received = new CopyOnWriteArrayList<>();
        CountDownLatch arrived = new CountDownLatch(count);
        try (Worker worker = sluice().worker(spec).on(type, (e, d) -> {
            received.add(e);
            arrived.countDown();
        }).start()) {
            assertThat(arrived.await(30, TimeUnit.SECONDS)).as(count + " events received").isTrue();
        }
        return received;
    }

    private List<DeadLetter> awaitDeadLetters(QueueSpec spec, int count) {
        AtomicReference<List<DeadLetter>> dead = new AtomicReference<>(List.of());
        Await.until(count + " dead letters of " + spec.uri(), () -> {
            try {
                dead.set(sluice().deadLetters(spec).peek(count + 10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted peeking at the dead letters of " + spec.uri(), e);
            }
            return dead.get().size() >= count;
        });
        assertThat(dead.get()).as("dead letters of " + spec.uri()).hasSize(count);
        return dead.get();
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
}
