package dev.sluice.inmemory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.DeadLetterReason;
import dev.sluice.OutgoingEvent;
import dev.sluice.Outcome;
import dev.sluice.PermanentFailureException;
import dev.sluice.QueueSpec;
import dev.sluice.RetryPolicy;
import dev.sluice.core.Sluice;
import dev.sluice.observe.SluiceEvent;
import dev.sluice.observe.SluiceListener;
import dev.sluice.testkit.Await;
import dev.sluice.testkit.VirtualClock;
import dev.sluice.worker.Worker;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the listener sees of a run, on the virtual clock: exactly the events of what the worker did. */
class SluiceEventsTest {
    private final VirtualClock clock = new VirtualClock();
    private final List<SluiceEvent> events = new CopyOnWriteArrayList<>();
    private final Sluice sluice = Sluice.builder().scheduler(clock).listener(events::add).build();

    @AfterEach
    void close() {
        sluice.close();
    }

    private static CloudEvent event(String id, String type) {
        return CloudEventBuilder.v1().withId(id).withSource(URI.create("/test")).withType(type)
                .withTime(java.time.OffsetDateTime.of(2025, 12, 31, 23, 59, 0, 0, ZoneOffset.UTC)).build();
    }

    private <T extends SluiceEvent> List<T> all(Class<T> kind) {
        return events.stream().filter(kind::isInstance).map(kind::cast).toList();
    }

    /** The pipeline's events of one event, in order (Published is the sender's: it may come after the consumer's). */
    private List<String> kindsOf(String eventId) {
        return events.stream().filter(e -> e instanceof SluiceEvent.OnMessage m && eventId.equals(m.eventId()))
                .map(e -> e.getClass().getSimpleName()).toList();
    }

    @Test
    void tenHandledThreeRetriedThenHandledTwoDeadLetteredGiveExactlyTheirEvents() throws Exception {
        URI uri = URI.create("mem://observed");
        QueueSpec spec = QueueSpec.builder(uri.toString()).maxDeliveryAttempts(5)
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
            sluice.publisher(uri).publishAll(batch).get();
            Await.until("the first round settled", () -> settlements() == 15);
            clock.advance(Duration.ofSeconds(1));
            Await.until("the retries settled", () -> settlements() == 18);
        }

        Map<String, Long> counts = events.stream().filter(e -> !(e instanceof SluiceEvent.BrokerCallCompleted))
                .collect(Collectors.groupingBy(e -> e.getClass().getSimpleName(), Collectors.counting()));
        assertThat(counts).containsExactlyInAnyOrderEntriesOf(Map.of(
                "Published", 15L, "Received", 18L, "HandlerStarted", 18L, "HandlerFinished", 18L,
                "Acked", 13L, "RetryScheduled", 3L, "DeadLettered", 2L));
        assertThat(events).allSatisfy(e -> assertThat(e.queue()).isEqualTo(uri));
        // the broker calls that carried them, by messages: batched, so only the sums are fixed
        Map<SluiceEvent.Operation, Integer> carried = all(SluiceEvent.BrokerCallCompleted.class).stream()
                .collect(Collectors.groupingBy(SluiceEvent.BrokerCallCompleted::operation,
                        Collectors.summingInt(SluiceEvent.BrokerCallCompleted::messages)));
        assertThat(carried).containsExactlyInAnyOrderEntriesOf(Map.of(SluiceEvent.Operation.SEND, 15,
                SluiceEvent.Operation.RECEIVE, 18, SluiceEvent.Operation.ACK, 15));

        Map<String, Long> outcomes = all(SluiceEvent.HandlerFinished.class).stream()
                .collect(Collectors.groupingBy(f -> f.outcome().getClass().getSimpleName(), Collectors.counting()));
        assertThat(outcomes).containsExactlyInAnyOrderEntriesOf(Map.of("Ack", 13L, "Retry", 3L, "DeadLetter", 2L));
        assertThat(all(SluiceEvent.Published.class)).extracting(SluiceEvent.Published::eventType)
                .filteredOn("ok"::equals).hasSize(10);
        assertThat(all(SluiceEvent.RetryScheduled.class)).allSatisfy(r -> {
            assertThat(r.eventType()).isEqualTo("flaky");
            assertThat(r.delay()).isEqualTo(Duration.ofSeconds(1));
            assertThat(r.attempt()).isEqualTo(1);
            assertThat(r.cause()).hasMessage("not yet");
        });
        assertThat(all(SluiceEvent.DeadLettered.class)).allSatisfy(d -> {
            assertThat(d.eventType()).isEqualTo("doomed");
            assertThat(d.deadLetterQueue()).isEqualTo(URI.create("mem://observed-dlq"));
            assertThat(d.reason().cause()).isEqualTo(DeadLetterReason.Cause.PERMANENT_FAILURE);
        });
        assertThat(all(SluiceEvent.Acked.class)).filteredOn(a -> a.eventType().equals("flaky"))
                .extracting(SluiceEvent.Acked::attempt).containsOnly(2);
        assertThat(all(SluiceEvent.HandlerFinished.class)).allSatisfy(f ->
                assertThat(f.eventTime()).isEqualTo(java.time.Instant.parse("2025-12-31T23:59:00Z")));

        // Per message, in order: the one path, then exactly one settlement per delivery.
        assertThat(kindsOf("ok-0")).containsExactly("Received", "HandlerStarted", "HandlerFinished", "Acked");
        assertThat(kindsOf("flaky-0")).containsExactly("Received", "HandlerStarted", "HandlerFinished",
                "RetryScheduled", "Received", "HandlerStarted", "HandlerFinished", "Acked");
        assertThat(kindsOf("doomed-0")).containsExactly("Received", "HandlerStarted", "HandlerFinished", "DeadLettered");
        assertThat(all(SluiceEvent.Published.class)).extracting(SluiceEvent.Published::eventId).doesNotHaveDuplicates()
                .contains("ok-0", "flaky-0", "doomed-0");
    }

    private long settlements() {
        return events.stream().filter(e -> e instanceof SluiceEvent.Acked || e instanceof SluiceEvent.RetryScheduled
                || e instanceof SluiceEvent.DeadLettered).count();
    }

    @Test
    void anUndecodableMessageIsReceivedWithoutTypeNeverHandledAndDeadLettered() throws Exception {
        URI uri = URI.create("mem://garbage");
        try (Worker worker = sluice.worker(QueueSpec.of(uri.toString())).on("ok", (e, d) -> { }).start()) {
            sluice.driver(uri).send(List.of(new dev.sluice.spi.OutboundMessage("m-1", "not an event".getBytes(),
                    Map.of("ce-id", "half an event"), null, null, Duration.ZERO)));
            Await.until("dead-lettered", () -> !all(SluiceEvent.DeadLettered.class).isEmpty());
        }
        assertThat(events).filteredOn(e -> !(e instanceof SluiceEvent.BrokerCallCompleted))
                .extracting(e -> e.getClass().getSimpleName()).containsExactly("Received", "DeadLettered");
        SluiceEvent.Received received = all(SluiceEvent.Received.class).get(0);
        assertThat(received.eventType()).isNull();
        assertThat(received.eventId()).isNull();
        assertThat(all(SluiceEvent.DeadLettered.class).get(0).reason().cause()).isEqualTo(DeadLetterReason.Cause.UNDECODABLE);
    }

    @Test
    void aListenerThatThrowsIsLoggedTheNextListenerStillHearsAndProcessingGoesOn() throws Exception {
        List<SluiceEvent> heard = new CopyOnWriteArrayList<>();
        List<String> handled = new CopyOnWriteArrayList<>();
        try (Sluice s = Sluice.builder().scheduler(clock)
                .listener(e -> { throw new IllegalStateException("broken listener"); })
                .listener(e -> { throw new StackOverflowError(); })
                .listener(heard::add).build();
             Worker worker = s.worker("mem://shielded").on("ok", (e, d) -> handled.add(e.getId())).start()) {
            s.publisher("mem://shielded").publish(event("e-1", "ok")).get();
            s.publisher("mem://shielded").publish(event("e-2", "ok")).get();
            Await.until("both acked", () -> heard.stream().filter(e -> e instanceof SluiceEvent.Acked).count() == 2);
        }
        assertThat(handled).containsExactlyInAnyOrder("e-1", "e-2");
        assertThat(heard).extracting(e -> e.getClass().getSimpleName()).contains("Published", "Received", "Acked");
    }

    @Test
    void listenersAreCalledInTheOrderRegistered() {
        List<String> calls = new ArrayList<>();
        SluiceListener both = SluiceListener.of(List.of(e -> calls.add("first"), e -> calls.add("second")));
        both.onEvent(new SluiceEvent.Released(URI.create("mem://q"), clock.now(), "m-1"));
        assertThat(calls).containsExactly("first", "second");
        assertThat(SluiceListener.of(List.of(both))).isSameAs(both);
    }

    @Test
    void aLongHandlerReportsEachLeaseExtension() throws Exception {
        QueueSpec spec = QueueSpec.builder("mem://long").lease(Duration.ofSeconds(10))
                .handlerTimeout(Duration.ofMinutes(5)).build();
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (Worker worker = sluice.worker(spec).on("job", (e, d) -> {
            running.countDown();
            release.await();
        }).start()) {
            sluice.publisher(spec.uri()).publish(event("long-1", "job")).get();
            assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
            for (int beat = 1; beat <= 3; beat++) {
                clock.advance(Duration.ofSeconds(5));
                int n = beat;
                Await.until(n + " extensions", () -> all(SluiceEvent.LeaseExtended.class).size() == n);
            }
            release.countDown();
            Await.until("acked", () -> !all(SluiceEvent.Acked.class).isEmpty());
        }
        assertThat(all(SluiceEvent.LeaseExtended.class)).allSatisfy(l -> {
            assertThat(l.lease()).isEqualTo(Duration.ofSeconds(10));
            assertThat(l.queue()).isEqualTo(spec.uri());
        });
        SluiceEvent.HandlerFinished finished = all(SluiceEvent.HandlerFinished.class).get(0);
        assertThat(finished.duration()).isEqualTo(Duration.ofSeconds(15));
        assertThat(finished.outcome()).isEqualTo(Outcome.ACK);
    }

}
