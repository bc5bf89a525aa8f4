package dev.sluice.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.ErrorCode;
import dev.sluice.OutgoingEvent;
import dev.sluice.PermanentFailureException;
import dev.sluice.QueueSpec;
import dev.sluice.RetryPolicy;
import dev.sluice.core.Sluice;
import dev.sluice.observe.SluiceEvent;
import dev.sluice.testkit.Await;
import dev.sluice.testkit.VirtualClock;
import dev.sluice.worker.Worker;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The meters of a run on the in-memory broker and the virtual clock. */
class SluiceMetricsTest {
    private static final OffsetDateTime EVENT_TIME = OffsetDateTime.of(2025, 12, 31, 23, 59, 0, 0, ZoneOffset.UTC);
    private final VirtualClock clock = new VirtualClock(); // starts at 2026-01-01T00:00:00Z: events are 60 s old
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final SluiceMetrics metrics = SluiceMetrics.of(registry);
    private final Sluice sluice = Sluice.builder().scheduler(clock).listener(metrics).build();

    @AfterEach
    void close() {
        sluice.close();
    }

    private static CloudEvent event(String id, String type) {
        return CloudEventBuilder.v1().withId(id).withSource(URI.create("/test")).withType(type).withTime(EVENT_TIME).build();
    }

    private double count(String name, String... tags) {
        return registry.find(name).tags(tags).counters().stream().mapToDouble(c -> c.count()).sum();
    }

    @Test
    void tenHandledThreeRetriedThenHandledTwoDeadLetteredAreCountedByOutcomeAndType() throws Exception {
        QueueSpec spec = QueueSpec.builder("mem://metered").maxDeliveryAttempts(5)
                .retryPolicy(RetryPolicy.fixed(Duration.ofSeconds(1))).build();
        List<OutgoingEvent> batch = new ArrayList<>();
        for (int i = 0; i < 10; i++) batch.add(OutgoingEvent.of(event("ok-" + i, "ok")));
        for (int i = 0; i < 3; i++) batch.add(OutgoingEvent.of(event("flaky-" + i, "flaky")));
        for (int i = 0; i < 2; i++) batch.add(OutgoingEvent.of(event("doomed-" + i, "doomed")));
        try (Worker worker = sluice.worker(spec)
                .on("ok", (e, d) -> { })
                .on("flaky", (e, d) -> {
                    if (d.attempt().getAsInt() == 1) throw new IllegalStateException("not yet");
                })
                .on("doomed", (e, d) -> {
                    throw new PermanentFailureException("never");
                }).start()) {
            sluice.publisher(spec.uri()).publishAll(batch).get();
            Await.until("the first round settled", () -> count(SluiceMetrics.HANDLED) == 15);
            clock.advance(Duration.ofSeconds(1));
            Await.until("the retries settled", () -> count(SluiceMetrics.HANDLED) == 18);
        }
        String[] queue = {"messaging.system", "mem", "messaging.destination.name", "metered"};
        assertThat(count(SluiceMetrics.SENT, queue)).isEqualTo(15);
        assertThat(count(SluiceMetrics.SENT, "cloudevents.event_type", "ok", "messaging.operation.name", "send")).isEqualTo(10);
        assertThat(count(SluiceMetrics.CONSUMED, queue)).isEqualTo(18);
        assertThat(count(SluiceMetrics.HANDLED, "sluice.outcome", "ack")).isEqualTo(13);
        assertThat(count(SluiceMetrics.HANDLED, "sluice.outcome", "retry")).isEqualTo(3);
        assertThat(count(SluiceMetrics.HANDLED, "sluice.outcome", "dead_letter")).isEqualTo(2);
        assertThat(count(SluiceMetrics.HANDLED, "sluice.outcome", "ack", "cloudevents.event_type", "flaky")).isEqualTo(3);
        // the same counts per queue, summed over event types (what the console's rates read)
        assertThat(metrics.settled(spec.uri())).isEqualTo(new SluiceMetrics.Settled(13, 3, 2));
        assertThat(metrics.settled(URI.create("mem://another"))).isEqualTo(new SluiceMetrics.Settled(0, 0, 0));

        assertThat(registry.find(SluiceMetrics.PROCESS_DURATION).timers().stream().mapToLong(Timer::count).sum()).isEqualTo(18);
        assertThat(registry.get(SluiceMetrics.PROCESS_DURATION).tags("sluice.outcome", "retry", "messaging.operation.name", "process")
                .timer().count()).isEqualTo(3);
        assertThat(registry.get(SluiceMetrics.PROCESS_DURATION).tags("sluice.outcome", "ack", "cloudevents.event_type", "ok")
                .timer().takeSnapshot().percentileValues()).as("client-side percentiles are opt-in").isEmpty();
        assertThat(registry.get(SluiceMetrics.ATTEMPTS).tags("cloudevents.event_type", "flaky", "sluice.outcome", "ack")
                .summary().max()).isEqualTo(2);
        assertThat(registry.get(SluiceMetrics.ATTEMPTS).tags("sluice.outcome", "dead_letter").summary().count()).isEqualTo(2);

        // end to end: published at 23:59:00, the first round handled at 00:00:00, the retries one second later
        Timer ok = registry.get(SluiceMetrics.END_TO_END).tags("cloudevents.event_type", "ok").timer();
        assertThat(ok.count()).isEqualTo(10);
        assertThat(ok.max(TimeUnit.SECONDS)).isEqualTo(60);
        assertThat(registry.get(SluiceMetrics.END_TO_END).tags("cloudevents.event_type", "flaky").timer()
                .max(TimeUnit.SECONDS)).isEqualTo(61);
        assertThat(registry.get(SluiceMetrics.ACTIVE).gauge().value()).isZero();
        assertThat(registry.find(SluiceMetrics.BROKER_ERRORS).counters()).isEmpty();
        assertThat(registry.get(SluiceMetrics.OPERATION_DURATION).tags("messaging.operation.name", "send").timer().count())
                .as("the 15 publishes went in one or more batched sends").isPositive();
        assertThat(registry.get(SluiceMetrics.OPERATION_DURATION).tags("messaging.operation.name", "receive").timer().count()).isPositive();
        assertThat(registry.get(SluiceMetrics.OPERATION_DURATION).tags("messaging.operation.name", "ack").timer().count()).isPositive();

        // bounded tags only: no message or event id anywhere
        for (Meter m : registry.getMeters()) {
            for (Tag t : m.getId().getTags()) {
                assertThat(t.getValue()).as(m.getId().toString()).doesNotContain("ok-", "flaky-", "doomed-", "metered-");
            }
        }
    }

    @Test
    void runningHandlersLeaseExtensionsAndBrokerErrorsAreMetered() throws Exception {
        QueueSpec spec = QueueSpec.builder("mem://busy").lease(Duration.ofSeconds(10)).build();
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (Worker worker = sluice.worker(spec).on("job", (e, d) -> {
            running.countDown();
            release.await();
        }).start()) {
            sluice.publisher(spec.uri()).publish(event("j-1", "job")).get();
            assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(registry.get(SluiceMetrics.ACTIVE).tag("messaging.destination.name", "busy").gauge().value()).isEqualTo(1);
            clock.advance(Duration.ofSeconds(5));
            Await.until("one extension", () -> count(SluiceMetrics.LEASE_EXTENSIONS) == 1);
            release.countDown();
            Await.until("acked", () -> count(SluiceMetrics.HANDLED, "sluice.outcome", "ack") == 1);
        }
        assertThat(registry.get(SluiceMetrics.ACTIVE).gauge().value()).isZero();

        metrics.onEvent(new SluiceEvent.BrokerCallFailed(URI.create("sqs://orders.fifo"), clock.now(),
                SluiceEvent.Operation.ACK, ErrorCode.THROTTLED, 3, "slow down"));
        assertThat(count(SluiceMetrics.BROKER_ERRORS, "messaging.system", "aws_sqs", "messaging.destination.name",
                "orders.fifo", "messaging.operation.name", "ack", "error.type", "throttled")).isEqualTo(3);
    }

    @Test
    void withoutTheEventTypeTagEveryTypeIsOneSeries() throws Exception {
        SimpleMeterRegistry untyped = new SimpleMeterRegistry();
        try (Sluice s = Sluice.builder().scheduler(clock).listener(SluiceMetrics.builder(untyped).eventTypeTag(false).build()).build()) {
            s.publisher("mem://untyped").publish(event("a", "one")).get();
            s.publisher("mem://untyped").publish(event("b", "two")).get();
        }
        assertThat(untyped.get(SluiceMetrics.SENT).counters()).hasSize(1);
        assertThat(untyped.get(SluiceMetrics.SENT).tag("cloudevents.event_type", "unknown").counter().count()).isEqualTo(2);
    }

    @Test
    void clientSidePercentilesArePublishedWhenAskedFor() throws Exception {
        SimpleMeterRegistry withPercentiles = new SimpleMeterRegistry();
        try (Sluice s = Sluice.builder().scheduler(clock)
                .listener(SluiceMetrics.builder(withPercentiles).percentiles(0.5, 0.95, 0.99).build()).build();
             Worker worker = s.worker("mem://percentiles").on("job", (e, d) -> { }).start()) {
            s.publisher("mem://percentiles").publish(event("p-1", "job")).get();
            Await.until("handled", () -> withPercentiles.find(SluiceMetrics.HANDLED).counters().size() == 1);
        }
        assertThat(withPercentiles.get(SluiceMetrics.PROCESS_DURATION).tags("sluice.outcome", "ack").timer().takeSnapshot()
                .percentileValues()).extracting(v -> v.percentile()).containsExactly(0.5, 0.95, 0.99);
    }

    @Test
    void endToEndOfAnEventFromLongAgoOrFromTheFutureIsCappedNotAnError() {
        java.time.Instant now = java.time.Instant.parse("2026-11-28T00:00:00Z");
        assertThat(SluiceMetrics.nanosBetween(java.time.Instant.parse("0001-01-01T00:00:00Z"), now)).isEqualTo(Long.MAX_VALUE);
        assertThat(SluiceMetrics.nanosBetween(now.plusMillis(1), now)).isZero();
        assertThat(SluiceMetrics.nanosBetween(now.minusNanos(1_500_000_001L), now)).isEqualTo(1_500_000_001L);
    }

    @Test
    void prometheusSeesTheConventionalNames() throws Exception {
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (Sluice s = Sluice.builder().scheduler(clock).listener(SluiceMetrics.of(prometheus)).build();
             Worker worker = s.worker("mem://scraped").on("job", (e, d) -> { }).start()) {
            s.publisher("mem://scraped").publish(event("j-1", "job")).get();
            Await.until("handled", () -> prometheus.find(SluiceMetrics.HANDLED).counters().size() == 1);
        }
        String scrape = prometheus.scrape();
        assertThat(scrape)
                .contains("messaging_client_sent_messages_total{cloudevents_event_type=\"job\",messaging_destination_name=\"scraped\",messaging_operation_name=\"send\",messaging_system=\"mem\"} 1")
                .contains("sluice_handled_messages_total{cloudevents_event_type=\"job\",messaging_destination_name=\"scraped\",messaging_system=\"mem\",sluice_outcome=\"ack\"} 1")
                .contains("# TYPE messaging_process_duration_seconds histogram")
                .contains("messaging_process_duration_seconds_bucket{");
    }
}
