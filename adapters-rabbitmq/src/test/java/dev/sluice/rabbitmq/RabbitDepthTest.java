package dev.sluice.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.ErrorCode;
import dev.sluice.PermanentFailureException;
import dev.sluice.QueueDepth;
import dev.sluice.QueueSpec;
import dev.sluice.Redaction;
import dev.sluice.SluiceException;
import dev.sluice.core.Sluice;
import dev.sluice.spi.QueueDriver;
import dev.sluice.testkit.Await;
import dev.sluice.testkit.DepthScenario;
import dev.sluice.worker.Worker;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Queue depth on the real RabbitMQ: the ready messages by passive declare, the retry ladder's as delayed; in flight
 * and the oldest age named as the management API's.
 */
class RabbitDepthTest {
    private static RabbitBroker broker;
    private static Sluice sluice;

    @BeforeAll
    static void start() {
        broker = RabbitBroker.start("depth");
        sluice = Sluice.builder().build();
    }

    @AfterAll
    static void stop() {
        if (sluice != null) sluice.close();
        if (broker != null) broker.close();
    }

    private static CloudEvent event(String id, String type) {
        return CloudEventBuilder.v1().withId(id).withSource(URI.create("/test")).withType(type).build();
    }

    @Test
    void readyMessagesAreVisibleAndTheRetryLaddersAreDelayed() throws Exception {
        QueueSpec spec = QueueSpec.builder(broker.uri("jobs")).lease(Duration.ofSeconds(60)).build();
        DepthScenario scenario = DepthScenario.prepare(sluice, spec);

        Await.until("two ready", () -> sluice.stats(spec).queue().visible().orElse(-1) == 2);
        QueueDepth depth = sluice.stats(spec).queue();
        assertThat(depth.queue().toString()).as("the queue, its password hidden").isEqualTo(Redaction.uri(spec.uri()));
        assertThat(depth.delayed()).hasValue(1);
        assertThat(depth.inFlight()).isEmpty();
        assertThat(depth.oldestAge()).isEmpty();
        assertThat(depth.note()).contains("messages_unacknowledged").contains("management API");
        scenario.driver().ack(scenario.taken());
    }

    @Test
    void aDeadLetterShowsInTheDeadLetterQueuesDepthAndAMissingQueueIsNotFound() throws Exception {
        QueueSpec spec = QueueSpec.of(broker.uri("doomed"));
        try (Worker worker = sluice.worker(spec).on("doomed", (e, d) -> {
            throw new PermanentFailureException("never");
        }).start()) {
            sluice.publisher(spec.uri()).publish(event("d-1", "doomed")).get();
            Await.until("the dead letter counted", () -> sluice.stats(spec).deadLetterQueue().visible().orElse(0) == 1);
        }
        QueueDriver missing = sluice.driver(URI.create(broker.uri("never-declared")));
        assertThatThrownBy(missing::depth).isInstanceOf(SluiceException.class)
                .satisfies(e -> assertThat(((SluiceException) e).code()).isEqualTo(ErrorCode.NOT_FOUND))
                .hasMessageContaining("never-declared");
    }
}
