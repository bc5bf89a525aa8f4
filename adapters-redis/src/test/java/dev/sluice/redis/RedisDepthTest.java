package dev.sluice.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.PermanentFailureException;
import dev.sluice.QueueDepth;
import dev.sluice.QueueSpec;
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

/** Queue depth on the real Redis: the stream's length, the group's pending entries, the delayed set, the first entry's age. */
class RedisDepthTest {
    private static String prefix;
    private static Sluice sluice;

    @BeforeAll
    static void start() {
        RedisServer.require();
        prefix = RedisServer.freshPrefix("depth");
        sluice = Sluice.builder().build();
    }

    @AfterAll
    static void stop() {
        if (sluice != null) sluice.close();
        if (prefix != null) RedisServer.deleteKeys(prefix);
    }

    private static CloudEvent event(String id, String type) {
        return CloudEventBuilder.v1().withId(id).withSource(URI.create("/test")).withType(type).build();
    }

    @Test
    void visibleInFlightDelayedAndTheOldestAgeComeFromTheStream() throws Exception {
        QueueSpec spec = QueueSpec.builder(RedisServer.uri(prefix + "jobs")).lease(Duration.ofSeconds(60)).build();
        sluice.open(spec);
        assertThat(sluice.stats(spec).queue().total()).hasValue(0);
        assertThat(sluice.stats(spec).queue().oldestAge()).isEmpty();

        DepthScenario scenario = DepthScenario.prepare(sluice, spec);

        QueueDepth depth = sluice.stats(spec).queue();
        assertThat(depth.queue()).isEqualTo(spec.uri());
        assertThat(depth.visible()).hasValue(2);
        assertThat(depth.inFlight()).hasValue(1);
        assertThat(depth.delayed()).hasValue(1);
        assertThat(depth.total()).hasValue(4);
        assertThat(depth.oldestAge()).hasValueSatisfying(age -> assertThat(age).isBetween(Duration.ZERO, Duration.ofMinutes(1)));
        assertThat(depth.note()).isEmpty();

        scenario.driver().ack(scenario.taken());
        assertThat(sluice.stats(spec).queue().inFlight()).hasValue(0);
        assertThat(sluice.stats(spec).queue().visible()).hasValue(2);
    }

    @Test
    void aDeadLetterShowsInTheDeadLetterQueuesDepth() throws Exception {
        QueueSpec spec = QueueSpec.of(RedisServer.uri(prefix + "doomed"));
        try (Worker worker = sluice.worker(spec).on("doomed", (e, d) -> {
            throw new PermanentFailureException("never");
        }).start()) {
            sluice.publisher(spec.uri()).publish(event("d-1", "doomed")).get();
            Await.until("the dead letter counted", () -> sluice.stats(spec).deadLetterQueue().visible().orElse(0) == 1);
            Await.until("the source emptied", () -> sluice.stats(spec).queue().total().orElse(-1) == 0);
        }
    }
}
