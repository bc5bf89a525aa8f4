package dev.sluice.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sluice.ConfigurationException;
import dev.sluice.ErrorCode;
import dev.sluice.QueueSpec;
import dev.sluice.Scheduler;
import dev.sluice.SluiceException;
import dev.sluice.internal.BrokerRetry;
import dev.sluice.spi.AckFailure;
import dev.sluice.spi.Capabilities;
import dev.sluice.spi.InboundMessage;
import dev.sluice.spi.OutboundMessage;
import dev.sluice.spi.QueueDriver;
import dev.sluice.spi.SendResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The driver half of the conformance suite: every case calls the {@link QueueDriver} SPI directly (send,
 * receive, ack, nack, extendLease, provision, unwrap) with raw messages, so a failure points at the driver,
 * not at the engine above it. Run it by extending {@link ConformanceSuite}, which runs both halves.
 *
 * <p>Stale acks (a handle whose lease ended and whose message was received again): each broker's behaviour
 * is pinned by {@link ConformanceHarness#staleAck()}; the portable promise, which every broker keeps, is that
 * the message is not lost and not deleted twice: it stays with its current holder, whose ack removes it, and
 * it is not delivered again after that ack (on a broker that deletes by a stale handle, it was deleted
 * exactly once and is not delivered again).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class DriverConformance extends ConformanceCases {

    // ---- send ------------------------------------------------------------------------------------

    @Test
    void batchSendReturnsOneResultPerMessageInBatchOrder() throws Exception {
        QueueDriver driver = provisioned(queue("batch-results", b -> { }));
        int n = Math.min(5, driver.capabilities().maxBatchSize());
        List<OutboundMessage> batch = new ArrayList<>();
        for (int i = 0; i < n; i++) batch.add(message(driver, "batch-" + i));

        List<SendResult> results = driver.send(batch);

        assertThat(results).hasSize(n).allSatisfy(r -> assertThat(r.succeeded()).as(String.valueOf(r.error())).isTrue());
        Map<String, String> idByBody = new HashMap<>();
        for (InboundMessage m : receiveAll(driver, n)) idByBody.put(body(m), m.messageId());
        for (int i = 0; i < n; i++) {
            assertThat(results.get(i).messageId()).as("result " + i + " is the id of message batch-" + i)
                    .isEqualTo(idByBody.get("batch-" + i));
        }
    }

    @Test
    void aBatchWithOneOrderingKeyIsDeliveredInBatchOrder() throws Exception {
        assumeTrue(capabilities().ordering(), capabilityMissing("ordering"));
        QueueDriver driver = provisioned(queue("batch-order", b -> b.ordering(true)));
        int n = Math.min(10, driver.capabilities().maxBatchSize());
        List<OutboundMessage> batch = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            batch.add(new OutboundMessage("ordered-" + i, bytes("ordered-" + i), Map.of("n", String.valueOf(i)), "one-key",
                    null, Duration.ZERO));
            expected.add("ordered-" + i);
        }

        assertThat(driver.send(batch)).hasSize(n).allSatisfy(r -> assertThat(r.succeeded()).isTrue());

        assertThat(receiveAll(driver, n)).extracting(DriverConformance::body).containsExactlyElementsOf(expected);
    }

    @Test
    void aMessageTheBrokerRefusesFailsAloneAndTheRestOfTheBatchIsSent() throws Exception {
        QueueDriver driver = provisioned(queue("partial", b -> { }));
        Capabilities caps = driver.capabilities();
        String key = orderingKeyIfRequired(driver);
        // Sent raw, past the Publisher's checks: one byte over the broker's limit.
        OutboundMessage tooBig = new OutboundMessage("too-big", new byte[caps.maxMessageBytes() + 1], Map.of(), key,
                null, Duration.ZERO);

        List<SendResult> results = driver.send(List.of(message(driver, "fine-a"), tooBig, message(driver, "fine-b")));

        assertThat(results).hasSize(3);
        assertThat(results.get(0).succeeded()).as("fine-a: %s", results.get(0).error()).isTrue();
        assertThat(results.get(2).succeeded()).as("fine-b: %s", results.get(2).error()).isTrue();
        assertThat(results.get(1).succeeded()).as("the oversized message").isFalse();
        assertThat(results.get(1).error().code()).isEqualTo(ErrorCode.INVALID);
        assertThat(results.get(1).error().message()).contains(String.valueOf(caps.maxMessageBytes()));
        assertThat(receiveAll(driver, 2)).extracting(DriverConformance::body).containsExactlyInAnyOrder("fine-a", "fine-b");
        assertThat(driver.receive(10, shortWait())).as("anything else on the queue").isEmpty();
    }

    // ---- receive ---------------------------------------------------------------------------------

    @Test
    void receiveNeverReturnsMoreThanItsMax() throws Exception {
        QueueDriver driver = provisioned(queue("receive-max", b -> { }));
        int n = 7;
        List<OutboundMessage> all = new ArrayList<>();
        for (int i = 0; i < n; i++) all.add(message(driver, "max-" + i));
        for (int from = 0; from < n; from += driver.capabilities().maxBatchSize()) {
            sendAll(driver, all.subList(from, Math.min(n, from + driver.capabilities().maxBatchSize())));
        }

        Set<String> received = new HashSet<>();
        int[] maxima = {1, 2, 3};
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (int call = 0; received.size() < n; call++) {
            assertThat(System.nanoTime()).as("all " + n + " received within 60 s").isLessThan(deadline);
            int max = maxima[call % maxima.length];
            List<InboundMessage> got = driver.receive(max, Duration.ofSeconds(1));
            assertThat(got).as("receive(%d, ...)", max).hasSizeLessThanOrEqualTo(max);
            got.forEach(m -> received.add(body(m)));
            if (!got.isEmpty()) assertThat(driver.ack(got)).isEmpty();
        }
        assertThat(received).hasSize(n);
    }

    // ---- ack, nack, leases -------------------------------------------------------------------------

    @Test
    void ackRemovesTheMessage() throws Exception {
        QueueDriver driver = provisioned(queue("ack", b -> b.lease(harness().shortLease())));
        sendAll(driver, List.of(message(driver, "ack-1")));
        InboundMessage m = receiveOne(driver);

        assertThat(driver.ack(List.of(m))).isEmpty();
        harness().advance(harness().shortLease().plusSeconds(1));
        assertThat(driver.receive(10, shortWait())).isEmpty();
    }

    @Test
    void nackWithDelayRedeliversAfterTheDelayAndNotBefore() throws Exception {
        QueueDriver driver = provisioned(queue("nack", b -> b.lease(Duration.ofSeconds(30))));
        sendAll(driver, List.of(message(driver, "nack-1")));
        InboundMessage first = receiveOne(driver);

        driver.nack(first, Duration.ofSeconds(2));
        harness().advance(Duration.ofMillis(1500));
        assertThat(driver.receive(10, Duration.ZERO)).as("redelivered 1.5 s into a 2 s delay").isEmpty();
        harness().advance(Duration.ofMillis(1000));
        InboundMessage again = receiveWithin(driver, Duration.ofSeconds(3));

        assertThat(again.messageId()).isEqualTo(first.messageId());
        assertThat(driver.ack(List.of(again))).isEmpty();
    }

    @Test
    void attemptIncreasesByOnePerDelivery() throws Exception {
        QueueDriver driver = provisioned(queue("attempts", b -> b.lease(Duration.ofSeconds(30))));
        sendAll(driver, List.of(message(driver, "attempt-1")));
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
        QueueDriver driver = provisioned(queue("expiry", b -> b.lease(harness().shortLease())));
        sendAll(driver, List.of(message(driver, "expiry-1")));
        InboundMessage first = receiveOne(driver);

        harness().advance(harness().shortLease().plusSeconds(1));
        InboundMessage again = receiveWithin(driver, Duration.ofSeconds(5));

        assertThat(again.messageId()).isEqualTo(first.messageId());
        assertThat(driver.ack(List.of(again))).isEmpty();
    }

    @Test
    void extendLeaseKeepsTheMessageFromOthers() throws Exception {
        Duration lease = harness().shortLease();
        QueueDriver driver = provisioned(queue("extend", b -> b.lease(lease)));
        sendAll(driver, List.of(message(driver, "extend-1")));
        InboundMessage m = receiveOne(driver);

        driver.extendLease(m, lease.multipliedBy(3));
        harness().advance(lease.plusSeconds(1));
        assertThat(driver.receive(10, shortWait())).as("redelivered while its lease was extended").isEmpty();
        assertThat(driver.ack(List.of(m))).isEmpty();
    }

    @Test
    void ackWithAHandleWhoseLeaseEndedLosesNothing() throws Exception {
        Duration lease = harness().shortLease();
        QueueDriver driver = provisioned(queue("stale-ack", b -> b.lease(lease)));
        sendAll(driver, List.of(message(driver, "stale-1")));
        InboundMessage stale = receiveOne(driver);
        harness().advance(lease.plusSeconds(1));
        InboundMessage current = receiveWithin(driver, Duration.ofSeconds(5));
        assertThat(current.messageId()).isEqualTo(stale.messageId());

        List<AckFailure> staleAck = driver.ack(List.of(stale));
        List<AckFailure> currentAck = driver.ack(List.of(current));

        switch (harness().staleAck()) {
            case REPORTED -> {
                assertThat(staleAck).as("the stale ack, reported").hasSize(1);
                assertThat(staleAck.get(0).message()).isSameAs(stale);
                assertThat(staleAck.get(0).error().code()).as("a stale handle is not worth retrying")
                        .isIn(ErrorCode.NOT_FOUND, ErrorCode.INVALID);
                assertThat(currentAck).as("the current holder's ack").isEmpty();
            }
            case IGNORED -> {
                assertThat(staleAck).as("the stale ack, ignored").isEmpty();
                assertThat(currentAck).as("the current holder's ack").isEmpty();
            }
            case DELETES -> assertThat(staleAck).as("the stale ack, which deleted the message").isEmpty();
        }
        harness().advance(lease.plusSeconds(1));
        assertThat(driver.receive(10, shortWait())).as("delivered again after the current holder's ack").isEmpty();
    }

    // ---- deduplication, delay ----------------------------------------------------------------------

    @Test
    void duplicateWithinTheWindowIsDeliveredOnce() throws Exception {
        assumeTrue(capabilities().deduplication(), capabilityMissing("deduplication"));
        QueueDriver driver = provisioned(queue("dedup", b -> b.deduplication(true)));
        String key = orderingKeyIfRequired(driver);
        sendAll(driver, List.of(
                new OutboundMessage("dup-1", bytes("dup-1"), Map.of(), key, "order-42", Duration.ZERO),
                new OutboundMessage("dup-2", bytes("dup-2"), Map.of(), key, "order-42", Duration.ZERO),
                new OutboundMessage("other-1", bytes("other-1"), Map.of(), key, "order-43", Duration.ZERO)));

        assertThat(receiveAll(driver, 2)).extracting(DriverConformance::body).containsExactlyInAnyOrder("dup-1", "other-1");
        harness().advance(Duration.ofSeconds(1));
        assertThat(driver.receive(10, shortWait())).isEmpty();
    }

    @Test
    void perMessageDelayHoldsTheMessageBackForItsDelayAndNoLonger() throws Exception {
        assumeTrue(capabilities().delays(), capabilityMissing("per-message delay"));
        QueueDriver driver = provisioned(queue("delay", b -> b.delays(true)));
        sendAll(driver, List.of(new OutboundMessage("later-1", bytes("later-1"), Map.of(), null, null, Duration.ofSeconds(2))));

        harness().advance(Duration.ofMillis(1500));
        assertThat(driver.receive(10, Duration.ZERO)).as("delivered 1.5 s into a 2 s delay").isEmpty();
        harness().advance(Duration.ofMillis(1000));
        InboundMessage m = receiveWithin(driver, Duration.ofSeconds(3));

        assertThat(body(m)).isEqualTo("later-1");
        assertThat(driver.ack(List.of(m))).isEmpty();
    }

    // ---- a missing queue, provisioning, escape hatches -----------------------------------------------

    @Test
    void aMissingQueueFailsNamingTheQueueAndTheBroker() throws Exception {
        assumeTrue(harness().queuesCanBeMissing(), "the broker creates a queue when it is first named: no queue can be missing");
        String name = "missing-" + Long.toString(System.nanoTime() % 1_000_000, 36);
        QueueSpec spec = queue(name, b -> b.provisioning(QueueSpec.Provisioning.NONE));
        QueueDriver driver = sluice().driver(spec.uri());
        String broker = driver.capabilities().broker();

        assertThatThrownBy(() -> driver.receive(1, shortWait()))
                .satisfies(e -> assertClearMissingQueueError(e, name, broker));
        List<SendResult> sent;
        try {
            sent = driver.send(List.of(message(driver, "to-nowhere")));
        } catch (SluiceException e) {
            assertClearMissingQueueError(e, name, broker);
            return;
        }
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).succeeded()).as("a send to a missing queue").isFalse();
        assertThat(sent.get(0).error().code()).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(sent.get(0).error().message()).contains(name).contains(broker);
    }

    @Test
    void provisioningAFreshQueueFindsNothingToContradictAndCanBeRepeated() {
        QueueSpec spec = queue("provision", b -> { });
        QueueDriver driver = sluice().driver(spec.uri());
        assertThat(provision(driver, spec)).as("first provisioning").isEmpty();
        assertThat(provision(driver, spec)).as("provisioning again").isEmpty();
    }

    @Test
    void unwrapHandsOutTheDeclaredTypesAndNothingUnrelated() {
        QueueDriver driver = provisioned(queue("unwrap", b -> { }));
        for (Class<?> type : harness().unwrapTypes()) {
            assertThat(driver.unwrap(type)).as("unwrap(%s)", type.getName()).get().isInstanceOf(type);
        }
        assertThat(driver.unwrap(Unrelated.class)).as("unwrap of a type the driver knows nothing of").isEmpty();
        assertThat(driver.unwrap(Thread.class)).as("unwrap(Thread)").isEmpty();
    }

    // ---- helpers ----------------------------------------------------------------------------------

    /** A type no driver hands out. */
    private record Unrelated() {
    }

    private static void assertClearMissingQueueError(Throwable e, String name, String broker) {
        assertThat(e).isInstanceOf(SluiceException.class).hasMessageContaining(name).hasMessageContaining(broker);
        if (!(e instanceof ConfigurationException)) assertThat(((SluiceException) e).code()).isEqualTo(ErrorCode.NOT_FOUND);
    }

    /** The driver of a freshly provisioned queue (and its dead-letter queue). */
    QueueDriver provisioned(QueueSpec spec) {
        QueueDriver driver = sluice().driver(spec.uri());
        assertThat(provision(driver, spec)).as("contradictions of a fresh queue").isEmpty();
        return driver;
    }

    /**
     * Provisions the way {@code Sluice.open} does: through the broker-call retry, so that a connection the server
     * closed mid-request (ElasticMQ does, now and then, as SQS may) is tried again rather than failing the case.
     */
    static List<String> provision(QueueDriver driver, QueueSpec spec) {
        return BrokerRetry.forCalls(Scheduler.system()).call(() -> driver.provision(spec, driver.defaultDeadLetterUri()));
    }

    /** A raw message whose body is its id, with the ordering key a FIFO queue needs. */
    static OutboundMessage message(QueueDriver driver, String id) {
        return new OutboundMessage(id, bytes(id), Map.of("conformance", id), orderingKeyIfRequired(driver), null, Duration.ZERO);
    }

    static void sendAll(QueueDriver driver, List<OutboundMessage> batch) {
        List<SendResult> results = driver.send(batch);
        assertThat(results).hasSize(batch.size()).allSatisfy(r -> assertThat(r.succeeded()).as(String.valueOf(r.error())).isTrue());
    }

    /** Receives and acks {@code n} messages, in the order they arrive. */
    static List<InboundMessage> receiveAll(QueueDriver driver, int n) throws InterruptedException {
        List<InboundMessage> all = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (all.size() < n) {
            if (System.nanoTime() > deadline) throw new AssertionError("only " + all.size() + " of " + n + " arrived on " + driver.uri());
            List<InboundMessage> got = driver.receive(n - all.size(), Duration.ofSeconds(1));
            all.addAll(got);
            if (!got.isEmpty()) assertThat(driver.ack(got)).isEmpty();
        }
        return all;
    }

    static String body(InboundMessage m) {
        return new String(m.body(), StandardCharsets.UTF_8);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
