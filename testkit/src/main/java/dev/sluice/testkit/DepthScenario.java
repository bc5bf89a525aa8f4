package dev.sluice.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.PublishOptions;
import dev.sluice.QueueSpec;
import dev.sluice.core.Sluice;
import dev.sluice.spi.InboundMessage;
import dev.sluice.spi.QueueDriver;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * The queue a depth test reads: three events ready, one delayed by ten minutes, and one of the three received and
 * held (in flight). Each driver's test then asserts what its broker can tell of it: 2 visible, 1 in flight,
 * 1 delayed.
 *
 * @param driver the queue's driver
 * @param taken  the message received and held; ack it when done
 */
public record DepthScenario(QueueDriver driver, List<InboundMessage> taken) {

    /** Publishes and receives on {@code spec}'s queue (opened, so provisioned, first). */
    public static DepthScenario prepare(Sluice sluice, QueueSpec spec) throws Exception {
        QueueDriver driver = sluice.open(spec).driver();
        var publisher = sluice.publisher(spec.uri());
        for (int i = 0; i < 3; i++) publisher.publish(job("e-" + i)).get();
        publisher.publish(job("later"), PublishOptions.delay(Duration.ofMinutes(10))).get();
        List<InboundMessage> taken = driver.receive(1, Duration.ofSeconds(5));
        assertThat(taken).as("one message received and held").hasSize(1);
        return new DepthScenario(driver, taken);
    }

    private static io.cloudevents.CloudEvent job(String id) {
        return CloudEventBuilder.v1().withId(id).withSource(URI.create("/depth")).withType("job").build();
    }
}
