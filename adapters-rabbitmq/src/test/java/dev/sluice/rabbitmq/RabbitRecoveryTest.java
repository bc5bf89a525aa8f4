package dev.sluice.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.OutgoingEvent;
import dev.sluice.PublishOptions;
import dev.sluice.PublishResult;
import dev.sluice.QueueSpec;
import dev.sluice.RetryPolicy;
import dev.sluice.core.Sluice;
import dev.sluice.testkit.Await;
import dev.sluice.worker.Worker;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The broker closes every connection mid-run (as {@code rabbitmqctl close_all_connections} does, and a broker
 * restart would): the worker and the publisher resume by themselves and nothing is lost. Messages that were being
 * handled when the connection went are delivered again (at-least-once); the test counts and prints them.
 */
class RabbitRecoveryTest {
    private static final String TYPE = "dev.sluice.recovery";
    private static final int EVENTS = 600;

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void aConnectionClosedByTheBrokerMidRunLosesNothingAndTheWorkerResumesByItself() throws Exception {
        try (RabbitBroker broker = RabbitBroker.start("recovery"); Sluice sluice = Sluice.create()) {
            QueueSpec spec = QueueSpec.builder(broker.uri("recovery")).maxDeliveryAttempts(5)
                    .retryPolicy(RetryPolicy.fixed(Duration.ofMillis(100))).lease(Duration.ofSeconds(30)).concurrency(8).build();
            Map<String, AtomicInteger> handled = new ConcurrentHashMap<>();
            try (Worker worker = sluice.worker(spec).withoutLogging().on(TYPE, (e, d) -> {
                handled.computeIfAbsent(e.getId(), k -> new AtomicInteger()).incrementAndGet();
                Thread.sleep(2); // a little work, so some handlers are running when the connection goes
            }).start()) {
                List<CompletableFuture<List<PublishResult>>> sends = new ArrayList<>();
                for (int batch = 0; batch < EVENTS / 100; batch++) {
                    List<OutgoingEvent> events = new ArrayList<>();
                    for (int i = 0; i < 100; i++) {
                        events.add(new OutgoingEvent(CloudEventBuilder.v1().withId("r-" + (batch * 100 + i))
                                .withSource(URI.create("/recovery")).withType(TYPE).build(), PublishOptions.NONE));
                    }
                    sends.add(sluice.publisher(spec.uri()).publishAll(events));
                    if (batch == 1) {
                        Await.until("the worker is handling", () -> handled.size() >= 50);
                        broker.closeAllConnections();
                    }
                }
                for (CompletableFuture<List<PublishResult>> s : sends) s.get(60, TimeUnit.SECONDS);

                Await.until("all " + EVENTS + " events handled after the connection was closed", () -> handled.size() == EVENTS,
                        Duration.ofSeconds(60));
                int duplicates = handled.values().stream().mapToInt(c -> c.get() - 1).sum();
                System.err.println("RECOVERY handled " + handled.size() + " distinct events of " + EVENTS + "; "
                        + duplicates + " handled twice or more (delivered again after the lost connection)");
                assertThat(handled).hasSize(EVENTS);
                Await.until("the worker reports healthy", () -> worker.health().healthy());
            }
        }
    }
}
