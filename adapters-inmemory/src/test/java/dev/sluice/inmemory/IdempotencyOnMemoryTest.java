package dev.sluice.inmemory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.QueueSpec;
import dev.sluice.Sluice;
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
}
