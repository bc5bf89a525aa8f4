package dev.sluice.sqs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.PermanentFailureException;
import dev.sluice.QueueDepth;
import dev.sluice.QueueSpec;
import dev.sluice.QueueStats;
import dev.sluice.core.Sluice;
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

/** Queue depth on SQS (ElasticMQ): GetQueueAttributes' three counts; the oldest age is CloudWatch's alone. */
class SqsDepthTest {
    private static ElasticMq mq;
    private static Sluice sluice;

    @BeforeAll
    static void start() {
        mq = ElasticMq.start();
        sluice = mq.sluice();
    }

    @AfterAll
    static void stop() {
        sluice.close();
        mq.close();
    }

    private static CloudEvent event(String id, String type) {
        return CloudEventBuilder.v1().withId(id).withSource(URI.create("/test")).withType(type).build();
    }

    @Test
    void visibleInFlightAndDelayedComeFromTheQueueAttributesTheOldestAgeIsNamedAsCloudWatchs() throws Exception {
        QueueSpec spec = QueueSpec.builder("sqs://depth").lease(Duration.ofSeconds(60)).build();
        DepthScenario scenario = DepthScenario.prepare(sluice, spec);

        QueueDepth depth = sluice.stats(spec).queue();
        assertThat(depth.queue()).isEqualTo(spec.uri());
        assertThat(depth.visible()).hasValue(2);
        assertThat(depth.inFlight()).hasValue(1);
        assertThat(depth.delayed()).hasValue(1);
        assertThat(depth.total()).hasValue(4);
        assertThat(depth.oldestAge()).isEmpty();
        assertThat(depth.note()).contains("ApproximateAgeOfOldestMessage").contains("CloudWatch");
        scenario.driver().ack(scenario.taken());
    }

    @Test
    void aDeadLetterShowsInTheDeadLetterQueuesDepth() throws Exception {
        QueueSpec spec = QueueSpec.of("sqs://depth-dl");
        try (Worker worker = sluice.worker(spec).on("doomed", (e, d) -> {
            throw new PermanentFailureException("never");
        }).start()) {
            sluice.publisher(spec.uri()).publish(event("d-1", "doomed")).get();
            Await.until("the dead letter counted", () -> sluice.stats(spec).deadLetterQueue().visible().orElse(0) == 1);
        }
        QueueStats stats = sluice.stats(spec);
        assertThat(stats.deadLetterQueue().queue()).isEqualTo(URI.create("sqs://depth-dl-dlq"));
        assertThat(stats.queue().total()).hasValue(0);
    }
}
