package dev.sluice.inmemory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.PublishOptions;
import dev.sluice.QueueDepth;
import dev.sluice.QueueSpec;
import dev.sluice.QueueStats;
import dev.sluice.core.Sluice;
import dev.sluice.spi.InboundMessage;
import dev.sluice.spi.QueueDriver;
import dev.sluice.testkit.VirtualClock;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The in-memory broker's depth readings are exact, for the queue and its dead-letter queue. */
class QueueDepthTest {
    private final VirtualClock clock = new VirtualClock();
    private final Sluice sluice = Sluice.builder().scheduler(clock).build();

    @AfterEach
    void close() {
        sluice.close();
    }

    private static CloudEvent event(String id) {
        return CloudEventBuilder.v1().withId(id).withSource(URI.create("/test")).withType("job").build();
    }

    @Test
    void visibleInFlightDelayedAndTheOldestAgeAreExact() throws Exception {
        QueueSpec spec = QueueSpec.builder("mem://deep").maxDeliveryAttempts(1).build();
        assertThat(sluice.stats(spec).queue()).isEqualTo(new QueueDepth(spec.uri(), OptionalLong.of(0),
                OptionalLong.of(0), OptionalLong.of(0), Optional.empty(), ""));
        var publisher = sluice.publisher(spec.uri());
        publisher.publish(event("first")).get();
        clock.advance(Duration.ofSeconds(30));
        for (int i = 0; i < 4; i++) publisher.publish(event("e-" + i)).get();
        publisher.publish(event("later"), PublishOptions.delay(Duration.ofMinutes(5))).get();
        QueueDriver driver = sluice.driver(spec.uri());
        List<InboundMessage> taken = driver.receive(2, Duration.ZERO);
        clock.advance(Duration.ofSeconds(10));

        QueueDepth depth = sluice.stats(spec).queue();
        assertThat(depth.visible()).hasValue(3);
        assertThat(depth.inFlight()).hasValue(2);
        assertThat(depth.delayed()).hasValue(1);
        assertThat(depth.total()).hasValue(6);
        assertThat(depth.oldestAge()).hasValue(Duration.ofSeconds(40));
        assertThat(depth.note()).isEmpty();

        driver.ack(taken);
        assertThat(sluice.stats(spec).queue().inFlight()).hasValue(0);
    }

    @Test
    void theDeadLetterQueuesDepthIsReadToo() throws Exception {
        QueueSpec spec = QueueSpec.builder("mem://dying").maxDeliveryAttempts(1).build();
        sluice.publisher(spec.uri()).publish(event("d-1")).get();
        sluice.open(spec).deadLetterQueue().send(List.of(new dev.sluice.spi.OutboundMessage("x", "{}".getBytes(),
                java.util.Map.of(), null, null, Duration.ZERO)));
        clock.advance(Duration.ofMinutes(2));

        QueueStats stats = sluice.stats(spec);
        assertThat(stats.queue().queue()).isEqualTo(spec.uri());
        assertThat(stats.queue().visible()).hasValue(1);
        assertThat(stats.deadLetterQueue().queue()).isEqualTo(URI.create("mem://dying-dlq"));
        assertThat(stats.deadLetterQueue().visible()).hasValue(1);
        assertThat(stats.deadLetterQueue().oldestAge()).hasValue(Duration.ofMinutes(2));
    }
}
