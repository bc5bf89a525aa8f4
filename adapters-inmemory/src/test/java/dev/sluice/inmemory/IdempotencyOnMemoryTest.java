package dev.sluice.inmemory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.PermanentFailureException;
import dev.sluice.QueueSpec;
import dev.sluice.core.Sluice;
import dev.sluice.interceptor.IdempotencyInterceptor;
import dev.sluice.testkit.Await;
import dev.sluice.testkit.VirtualClock;
import dev.sluice.worker.Worker;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class IdempotencyOnMemoryTest {

    @Test
    void aRedeliveredEventIsAppliedOnce() throws Exception {
        VirtualClock clock = new VirtualClock();
        try (Sluice sluice = Sluice.builder().scheduler(clock).build()) {
            QueueSpec spec = QueueSpec.of("mem://inventory");
            List<String> applied = new CopyOnWriteArrayList<>();
            try (Worker worker = sluice.worker(spec).interceptor(IdempotencyInterceptor.inMemory(1000))
                    .on("stock.reserved", (e, d) -> applied.add(e.getSource() + "/" + e.getId())).start()) {
                CloudEvent e = CloudEventBuilder.v1().withId("r-1").withSource(URI.create("/orders"))
                        .withType("stock.reserved").build();
                MemoryQueue q = sluice.driver(spec.uri()).unwrap(MemoryQueue.class).orElseThrow();
                sluice.publisher(spec.uri()).publish(e).get();
                Await.until("the first delivery acked", () -> applied.size() == 1 && q.stats().total() == 0);
                sluice.publisher(spec.uri()).publish(e).get();
                sluice.publisher(spec.uri()).publish(CloudEventBuilder.v1(e).withSource(URI.create("/elsewhere")).build()).get();
                Await.until("the duplicate and the other event acked", () -> applied.size() == 2 && q.stats().total() == 0);
            }
            assertThat(applied).containsExactlyInAnyOrder("/orders/r-1", "/elsewhere/r-1");
        }
    }

    @Test
    void aRedrivenDeadLetterIsHandledNotAckedAsADuplicate() throws Exception {
        VirtualClock clock = new VirtualClock();
        try (Sluice sluice = Sluice.builder().scheduler(clock).build()) {
            QueueSpec spec = QueueSpec.of("mem://payments");
            List<String> runs = new CopyOnWriteArrayList<>();
            try (Worker worker = sluice.worker(spec).interceptor(IdempotencyInterceptor.inMemory(1000))
                    .on("payment.capture", (e, d) -> {
                        runs.add(e.getId());
                        if (runs.size() == 1) throw new PermanentFailureException("card processor refused the token");
                    }).start()) {
                sluice.publisher(spec.uri()).publish(CloudEventBuilder.v1().withId("p-1").withSource(URI.create("/shop"))
                        .withType("payment.capture").build()).get();
                MemoryQueue q = sluice.driver(spec.uri()).unwrap(MemoryQueue.class).orElseThrow();
                MemoryQueue dlq = sluice.driver(URI.create("mem://payments-dlq")).unwrap(MemoryQueue.class).orElseThrow();
                Await.until("dead-lettered", () -> dlq.stats().total() == 1);
                assertThat(sluice.deadLetters(spec).redriveAll().moved()).isEqualTo(1);
                Await.until("the redriven event handled", () -> runs.size() == 2 && q.stats().total() == 0);
            }
            assertThat(runs).containsExactly("p-1", "p-1");
        }
    }
}
