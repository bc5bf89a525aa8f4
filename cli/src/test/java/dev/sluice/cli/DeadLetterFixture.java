package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.DeadLetterFilter;
import dev.sluice.PermanentFailureException;
import dev.sluice.QueueSpec;
import dev.sluice.codec.CloudEventCodec;
import dev.sluice.core.Sluice;
import dev.sluice.spi.InboundMessage;
import dev.sluice.spi.QueueDriver;
import dev.sluice.testkit.Await;
import dev.sluice.worker.Worker;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** Real dead letters for the CLI's tests, and what is where afterwards. */
final class DeadLetterFixture {
    static final String MAIL = "mail.send";
    static final String BOUNCE = "mail.bounce";

    private DeadLetterFixture() {
    }

    /**
     * Runs a worker on {@code uri} whose handler throws {@link PermanentFailureException} ("smtp down" for
     * {@code mails} mail.send events, "bad address" for {@code bounces} mail.bounce ones) until all are dead letters.
     */
    static QueueSpec deadLettered(Sluice sluice, URI uri, int mails, int bounces) throws Exception {
        QueueSpec spec = QueueSpec.builder(uri).build();
        try (Worker worker = sluice.worker(spec)
                .on(MAIL, (e, d) -> {
                    throw new PermanentFailureException("smtp down");
                })
                .on(BOUNCE, (e, d) -> {
                    throw new PermanentFailureException("bad address");
                }).start()) {
            var publisher = sluice.publisher(uri);
            List<CompletableFuture<?>> sent = new ArrayList<>();
            for (int i = 0; i < mails + bounces; i++) {
                String type = i < mails ? MAIL : BOUNCE;
                sent.add(publisher.publish(CloudEventBuilder.v1().withId(type + "-" + i).withSource(URI.create("/cli-test"))
                        .withType(type).withData("application/json", ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8))
                        .build()));
            }
            for (var f : sent) f.get();
            int total = mails + bounces;
            Await.until(total + " dead letters of " + uri, () -> {
                try {
                    return count(sluice, spec) == total;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
            }, Duration.ofMinutes(3));
        }
        return spec;
    }

    static long count(Sluice sluice, QueueSpec spec) throws InterruptedException {
        return sluice.deadLetters(spec).count(DeadLetterFilter.all());
    }

    /** Receives and acks everything on the source queue; the event ids, each once. */
    static Set<String> drainIds(Sluice sluice, QueueSpec spec) throws Exception {
        QueueDriver driver = sluice.driver(spec.uri());
        CloudEventCodec codec = new CloudEventCodec(driver.capabilities());
        Set<String> ids = new HashSet<>();
        int empties = 0;
        while (empties < 2) {
            List<InboundMessage> got = driver.receive(10, Duration.ofSeconds(1));
            if (got.isEmpty()) {
                empties++;
                continue;
            }
            empties = 0;
            for (InboundMessage m : got) {
                assertThat(ids.add(codec.decode(m, driver.uri()).getId())).as("each id once in the queue").isTrue();
            }
            driver.ack(got);
        }
        return ids;
    }

    /** The event ids in the DLQ, left there. */
    static List<String> dlqIds(Sluice sluice, QueueSpec spec) throws InterruptedException {
        List<String> ids = new ArrayList<>();
        sluice.deadLetters(spec).scan(DeadLetterFilter.all(), d -> ids.add(d.event().getId()));
        return ids;
    }
}
