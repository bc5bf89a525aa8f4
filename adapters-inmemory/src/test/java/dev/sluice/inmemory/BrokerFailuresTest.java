package dev.sluice.inmemory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.ErrorCode;
import dev.sluice.QueueSpec;
import dev.sluice.core.Sluice;
import dev.sluice.SluiceException;
import dev.sluice.observe.SluiceEvent;
import dev.sluice.spi.AckFailure;
import dev.sluice.spi.Capabilities;
import dev.sluice.spi.DriverContext;
import dev.sluice.spi.DriverError;
import dev.sluice.spi.DriverProvider;
import dev.sluice.spi.InboundMessage;
import dev.sluice.spi.OutboundMessage;
import dev.sluice.spi.QueueDriver;
import dev.sluice.spi.SendResult;
import dev.sluice.testkit.Await;
import dev.sluice.testkit.VirtualClock;
import dev.sluice.worker.Worker;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Broker calls that fail: the one retry loop spaces tries out on the scheduler, and loops survive. */
class BrokerFailuresTest {
    private final VirtualClock clock = new VirtualClock();
    private final FlakyProvider flaky = new FlakyProvider();
    private final List<SluiceEvent> events = new CopyOnWriteArrayList<>();
    private final Sluice sluice = Sluice.builder().scheduler(clock).driver(flaky).listener(events::add).build();

    private List<SluiceEvent.BrokerCallFailed> failures(SluiceEvent.Operation operation) {
        return events.stream().filter(e -> e instanceof SluiceEvent.BrokerCallFailed f && f.operation() == operation)
                .map(SluiceEvent.BrokerCallFailed.class::cast).toList();
    }

    @AfterEach
    void close() {
        sluice.close();
    }

    @Test
    void aReceiveLoopSurvivesAnErrorFromTheBrokerCallReportsItAndResumes() throws Exception {
        flaky.receiveErrors.set(3);
        QueueSpec spec = QueueSpec.of("flaky://jobs");
        List<String> handled = new CopyOnWriteArrayList<>();
        try (Worker worker = sluice.worker(spec).on("job", (e, d) -> handled.add(e.getId())).start()) {
            Await.until("the first receive failed", () -> flaky.receiveCalls.get() >= 1);
            Await.until("the failure reported", () -> !worker.health().healthy());
            assertThat(worker.health().receivers().get(0).lastFailure()).contains("NoClassDefFoundError");
            sluice.publisher(spec.uri()).publish(event("j-1")).get();
            for (int i = 0; i < 10 && handled.isEmpty(); i++) {
                clock.advance(Duration.ofSeconds(1));
                Thread.sleep(20);
            }
            Await.until("handled after the broker recovered", () -> handled.contains("j-1"));
            Await.until("healthy again", () -> worker.health().healthy());
        }
        assertThat(failures(SluiceEvent.Operation.RECEIVE)).as("each failed receive reported").hasSize(3)
                .allSatisfy(f -> {
                    assertThat(f.queue()).isEqualTo(URI.create("flaky://jobs"));
                    assertThat(f.code()).isEqualTo(ErrorCode.UNKNOWN);
                });
    }

    @Test
    void anAckThatFailsForGoodIsReportedOnceWithItsCode() throws Exception {
        flaky.ackFailures.set(1);
        flaky.ackError = ErrorCode.PERMISSION_DENIED;
        QueueSpec spec = QueueSpec.of("flaky://denied");
        try (Worker worker = sluice.worker(spec).on("job", (e, d) -> { }).start()) {
            sluice.publisher(spec.uri()).publish(event("d-1")).get();
            Await.until("the ack failure reported", () -> failures(SluiceEvent.Operation.ACK).size() == 1);
        }
        SluiceEvent.BrokerCallFailed f = failures(SluiceEvent.Operation.ACK).get(0);
        assertThat(f.code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
        assertThat(f.messages()).isEqualTo(1);
        assertThat(flaky.ackTimes).as("not retried: the error is not retryable").hasSize(1);
    }

    @Test
    void failedAcksAreTriedAgainSpacedOutOnTheSchedulerNotAllAtOnce() throws Exception {
        flaky.ackFailures.set(3);
        QueueSpec spec = QueueSpec.of("flaky://acks");
        try (Worker worker = sluice.worker(spec).on("job", (e, d) -> { }).start()) {
            sluice.publisher(spec.uri()).publish(event("a-1")).get();
            Await.until("the first ack failed", () -> flaky.ackTimes.size() == 1);
            Thread.sleep(50);
            assertThat(flaky.ackTimes).as("no second try before the clock moves").hasSize(1);
            for (int i = 0; i < 20 && flaky.ackTimes.size() < 4; i++) {
                clock.advance(Duration.ofMillis(100));
                Thread.sleep(10);
            }
            Await.until("acked on the fourth try", () -> flaky.ackTimes.size() == 4);
            MemoryQueue q = flaky.memory(spec.uri()).unwrap(MemoryQueue.class).orElseThrow();
            Await.until("deleted", () -> q.stats().total() == 0);
        }
        assertThat(flaky.ackTimes).doesNotHaveDuplicates();
    }

    @Test
    void aThrottledSendIsTriedAgainAfterABackoffOnTheScheduler() throws Exception {
        flaky.sendFailures.set(2);
        CompletableFuture<?> sent = sluice.publisher("flaky://sends").publish(event("s-1"));
        Await.until("the first send failed", () -> flaky.sendTimes.size() == 1);
        assertThat(sent).isNotDone();
        for (int i = 0; i < 30 && !sent.isDone(); i++) {
            clock.advance(Duration.ofMillis(100));
            Thread.sleep(10);
        }
        sent.get();
        assertThat(flaky.sendTimes).hasSize(3);
        assertThat(failures(SluiceEvent.Operation.SEND)).as("retried sends that succeeded are no failure").isEmpty();
        assertThat(events).filteredOn(e -> e instanceof SluiceEvent.Published).hasSize(1);
        // throttled: 4 x 100 ms, then 4 x 200 ms
        assertThat(Duration.between(flaky.sendTimes.get(0), flaky.sendTimes.get(1))).isGreaterThanOrEqualTo(Duration.ofMillis(400));
        assertThat(Duration.between(flaky.sendTimes.get(1), flaky.sendTimes.get(2))).isGreaterThanOrEqualTo(Duration.ofMillis(800));
    }

    @Test
    void aRedriveCountsOnlyWhatItMovedAndReportsDeadLettersItCouldNotDelete() throws Exception {
        QueueSpec spec = QueueSpec.of("flaky://redrive");
        sluice.deadLetters(spec); // opens both queues
        sluice.publisher("flaky://redrive-dlq").publish(event("d-1")).get();
        sluice.publisher("flaky://redrive-dlq").publish(event("d-2")).get();
        flaky.ackError = ErrorCode.PERMISSION_DENIED;
        flaky.ackFailures.set(100); // every delete from the DLQ refused
        dev.sluice.core.DeadLetters.RedriveResult result = sluice.deadLetters(spec).redriveAll();
        assertThat(result.notDeleted()).isEqualTo(2);
        assertThat(result.moved()).isZero();
    }

    @Test
    void aConnectionLostWhileProvisioningIsTriedAgainButARefusalFailsAtOnce() throws Exception {
        flaky.provisionFailures.set(2);
        CompletableFuture<?> opened = CompletableFuture.runAsync(() -> sluice.open(QueueSpec.of("flaky://provisioned")));
        Await.until("the first provisioning failed", () -> flaky.provisionCalls.get() == 1);
        for (int i = 0; i < 30 && !opened.isDone(); i++) {
            clock.advance(Duration.ofMillis(100));
            Thread.sleep(10);
        }
        opened.get();
        assertThat(flaky.provisionCalls).hasValue(3);

        flaky.provisionError = ErrorCode.PERMISSION_DENIED;
        flaky.provisionFailures.set(1);
        assertThatThrownBy(() -> sluice.open(QueueSpec.of("flaky://refused")))
                .isInstanceOf(SluiceException.class).hasMessageContaining("PERMISSION_DENIED");
        assertThat(flaky.provisionCalls).as("a refusal is not tried again").hasValue(4);
    }

    @Test
    void aReceiveWaitsAtMostHalfTheLeaseAndAtMostTheTwentySecondLongPoll() throws Exception {
        for (var lease : List.of(Duration.ofSeconds(5), Duration.ofMinutes(2))) {
            QueueSpec spec = QueueSpec.builder("flaky://waits-" + lease.toSeconds()).lease(lease).build();
            flaky.receiveWaits.clear();
            try (Worker worker = sluice.worker(spec).on("job", (e, d) -> { }).start()) {
                Await.until("a receive", () -> !flaky.receiveWaits.isEmpty());
            }
            Duration expected = lease.toSeconds() == 5 ? Duration.ofMillis(2500) : Duration.ofSeconds(20);
            assertThat(flaky.receiveWaits).as("lease %s", lease).allSatisfy(w -> assertThat(w).isEqualTo(expected));
        }
    }

    private static io.cloudevents.CloudEvent event(String id) {
        return CloudEventBuilder.v1().withId(id).withSource(URI.create("/test")).withType("job").build();
    }

    /** {@code flaky://name}: an in-memory queue whose calls fail as the test says. */
    private final class FlakyProvider implements DriverProvider {
        final AtomicInteger receiveErrors = new AtomicInteger();
        final AtomicInteger receiveCalls = new AtomicInteger();
        final List<Duration> receiveWaits = new CopyOnWriteArrayList<>();
        final AtomicInteger ackFailures = new AtomicInteger();
        volatile ErrorCode ackError = ErrorCode.UNAVAILABLE;
        final AtomicInteger sendFailures = new AtomicInteger();
        final AtomicInteger provisionFailures = new AtomicInteger();
        final AtomicInteger provisionCalls = new AtomicInteger();
        volatile ErrorCode provisionError = ErrorCode.UNAVAILABLE;
        final List<Instant> ackTimes = new CopyOnWriteArrayList<>();
        final List<Instant> sendTimes = new CopyOnWriteArrayList<>();
        private final MemoryDriverProvider memory = new MemoryDriverProvider();
        private DriverContext context;

        QueueDriver memory(URI uri) {
            return memory.open(URI.create("mem://" + uri.getAuthority()), context);
        }

        @Override
        public String scheme() {
            return "flaky";
        }

        @Override
        public QueueDriver open(URI uri, DriverContext ctx) {
            context = ctx;
            QueueDriver inner = memory(uri);
            return new QueueDriver() {
                @Override public Capabilities capabilities() { return inner.capabilities(); }
                @Override public URI uri() { return uri; }
                @Override public URI defaultDeadLetterUri() { return URI.create(uri + "-dlq"); }

                @Override
                public List<SendResult> send(List<OutboundMessage> batch) {
                    sendTimes.add(clock.now());
                    if (sendFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                        return batch.stream().map(m -> SendResult.failed(new DriverError(ErrorCode.THROTTLED, "slow down"))).toList();
                    }
                    return inner.send(batch);
                }

                @Override
                public List<InboundMessage> receive(int max, Duration maxWait) throws InterruptedException {
                    receiveCalls.incrementAndGet();
                    receiveWaits.add(maxWait);
                    if (receiveErrors.getAndUpdate(n -> Math.max(0, n - 1)) > 0) throw new NoClassDefFoundError("io/netty/Missing");
                    return inner.receive(max, Duration.ofMillis(50));
                }

                @Override
                public List<AckFailure> ack(List<InboundMessage> batch) {
                    ackTimes.add(clock.now());
                    if (ackFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                        throw new SluiceException(ackError, "broker says " + ackError);
                    }
                    return inner.ack(batch);
                }

                @Override public void nack(InboundMessage m, Duration delay) { inner.nack(m, delay); }
                @Override public void extendLease(InboundMessage m, Duration lease) { inner.extendLease(m, lease); }
                @Override
                public List<String> provision(QueueSpec spec, URI dlq) {
                    provisionCalls.incrementAndGet();
                    if (provisionFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                        throw new SluiceException(provisionError, "connection closed during the request: " + provisionError);
                    }
                    return inner.provision(spec, dlq);
                }
                @Override public <T> Optional<T> unwrap(Class<T> type) { return inner.unwrap(type); }
                @Override public void close() { }
            };
        }
    }
}
