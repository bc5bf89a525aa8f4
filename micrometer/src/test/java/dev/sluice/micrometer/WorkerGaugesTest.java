package dev.sluice.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.OutgoingEvent;
import dev.sluice.QueueSpec;
import dev.sluice.core.Sluice;
import dev.sluice.testkit.Await;
import dev.sluice.worker.Worker;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A worker's free handler slots, as its gauge shows them while handlers run and after they finish. */
class WorkerGaugesTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Sluice sluice = Sluice.builder().listener(SluiceMetrics.of(registry)).build();

    @AfterEach
    void close() {
        sluice.close();
    }

    private double gauge(String name) {
        Gauge g = registry.find(name).tags("messaging.system", "mem", "messaging.destination.name", "slotted").gauge();
        return g == null ? Double.NaN : g.value(); // the active-handlers gauge appears with the first handler
    }

    @Test
    void freeSlotsAreTheConcurrencyLessTheMessagesHeldAndComeBackWhenHandlersFinish() throws Exception {
        QueueSpec spec = QueueSpec.builder("mem://slotted").concurrency(4).build();
        CountDownLatch release = new CountDownLatch(1);
        try (Worker worker = sluice.worker(spec).on("slow", (e, d) -> release.await(30, TimeUnit.SECONDS))
                .shutdownTimeout(java.time.Duration.ofSeconds(1)).start()) {
            WorkerGauges.register(registry, worker);
            assertThat(gauge(WorkerGauges.SLOTS)).isEqualTo(4);
            Await.until("an idle worker's slots all free", () -> gauge(WorkerGauges.FREE) == 4);
            List<OutgoingEvent> three = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                three.add(OutgoingEvent.of(CloudEventBuilder.v1().withId("s-" + i).withSource(URI.create("/test"))
                        .withType("slow").build()));
            }
            sluice.publisher(spec.uri()).publishAll(three).get();
            Await.until("three handlers running", () -> gauge(SluiceMetrics.ACTIVE) == 3);
            assertThat(gauge(WorkerGauges.FREE)).isEqualTo(1);
            assertThat(worker.freeSlots()).isEqualTo(1);
            release.countDown();
            Await.until("the slots free again", () -> gauge(WorkerGauges.FREE) == 4);
            assertThat(gauge(SluiceMetrics.ACTIVE)).isZero();
        } finally {
            release.countDown();
        }
    }
}
