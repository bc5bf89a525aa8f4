package dev.sluice.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.PublishOptions;
import dev.sluice.QueueSpec;
import dev.sluice.RetryPolicy;
import dev.sluice.Router;
import dev.sluice.core.Sluice;
import dev.sluice.codec.CloudEventCodec;
import dev.sluice.internal.BrokerRetry;
import dev.sluice.observe.SluiceListener;
import dev.sluice.pipeline.Pipeline;
import dev.sluice.spi.AckFailure;
import dev.sluice.spi.Capabilities;
import dev.sluice.spi.DriverContext;
import dev.sluice.spi.DriverProvider;
import dev.sluice.spi.InboundMessage;
import dev.sluice.spi.OutboundMessage;
import dev.sluice.spi.QueueDriver;
import dev.sluice.spi.SendResult;
import dev.sluice.testkit.Await;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The dispatcher's ordering lanes: one message of a key at a time, and what a retry gives back. */
class DispatcherTest {
    private static final Capabilities ORDERED = Capabilities.builder("Ordered MQ").ordering(true)
            .maxNackDelay(Duration.ofMinutes(1)).build();
    private final Broker broker = new Broker();
    private final Sluice sluice = Sluice.builder().driver(broker).build();
    private final ExecutorService handlers = Executors.newFixedThreadPool(4);
    private final List<String> runs = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        handlers.shutdownNow();
        sluice.close();
    }

    @Test
    void aRetryGivesBackTheLaterMessagesOfItsKeyBeforeItselfAndRunsItsOwnRedelivery() throws Exception {
        QueueSpec spec = QueueSpec.builder("ordered://jobs").ordering(true).maxDeliveryAttempts(3)
                .retryPolicy(RetryPolicy.fixed(Duration.ZERO)).build();
        Pipeline pipeline = sluice.pipeline(spec, Router.builder().on("job", (e, d) -> {
            runs.add(e.getId() + "#" + d.attempt().orElse(0));
            if (e.getId().equals("f2") && d.attempt().orElse(0) == 1) throw new IllegalStateException("f2 fails once");
        }).build(), List.of());
        Dispatcher dispatcher = new Dispatcher(pipeline.source(), pipeline, handlers, new Semaphore(100),
                new Acknowledger(pipeline.source(), "jobs", BrokerRetry.forCalls(sluice.scheduler()), SluiceListener.NONE),
                sluice.scheduler());
        // the broker redelivers a retried message at once, before the failed run has returned to its lane
        broker.onNack = nacked -> {
            if (nacked.messageId().equals("f2") && nacked.attempt().getAsInt() == 1) {
                dispatcher.dispatch(List.of(message("f2", 2)));
            }
        };

        dispatcher.dispatch(List.of(message("f1", 1), message("f2", 1), message("f3", 1)));

        Await.until("f2 run again", () -> runs.contains("f2#2"));
        assertThat(broker.nacks).as("f3 given back before f2 was retried; f2's redelivery run, not given back")
                .containsExactly("f3#1", "f2#1");
        assertThat(runs).containsExactly("f1#1", "f2#1", "f2#2");
    }

    private InboundMessage message(String id, int attempt) {
        OutboundMessage out = new CloudEventCodec(ORDERED).encode(CloudEventBuilder.v1().withId(id)
                .withSource(URI.create("/t")).withType("job").build(), PublishOptions.orderingKey("k"));
        return new InboundMessage(id, out.body(), out.attributes(), "k", OptionalInt.of(attempt), null,
                id + "/" + attempt, null);
    }

    /** {@code ordered://}: records nacks, and lets the test act as the broker when one happens. */
    private static final class Broker implements DriverProvider {
        final List<String> nacks = new CopyOnWriteArrayList<>();
        volatile Consumer<InboundMessage> onNack = m -> { };

        @Override
        public String scheme() {
            return "ordered";
        }

        @Override
        public QueueDriver open(URI uri, DriverContext context) {
            return new QueueDriver() {
                @Override public Capabilities capabilities() { return ORDERED; }
                @Override public URI uri() { return uri; }
                @Override public URI defaultDeadLetterUri() { return URI.create(uri + "-dlq"); }
                @Override public List<SendResult> send(List<OutboundMessage> batch) {
                    return batch.stream().map(m -> SendResult.ok(m.id())).toList();
                }
                @Override public List<InboundMessage> receive(int max, Duration maxWait) { return List.of(); }
                @Override public List<AckFailure> ack(List<InboundMessage> batch) { return List.of(); }
                @Override public void nack(InboundMessage m, Duration delay) {
                    nacks.add(m.messageId() + "#" + m.attempt().getAsInt());
                    onNack.accept(m);
                }
                @Override public void extendLease(InboundMessage m, Duration lease) { }
                @Override public List<String> provision(QueueSpec spec, URI dlq) { return List.of(); }
                @Override public <T> Optional<T> unwrap(Class<T> type) { return Optional.empty(); }
                @Override public void close() { }
            };
        }
    }
}
