package dev.sluice.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.ConfigurationException;
import dev.sluice.DeadLetterReason;
import dev.sluice.PermanentFailureException;
import dev.sluice.PublishOptions;
import dev.sluice.QueueSpec;
import dev.sluice.codec.CloudEventCodec;
import dev.sluice.observe.MessagingNames;
import dev.sluice.observe.SluiceEvent;
import dev.sluice.spi.AckFailure;
import dev.sluice.spi.Capabilities;
import dev.sluice.spi.DriverContext;
import dev.sluice.spi.DriverProvider;
import dev.sluice.spi.InboundMessage;
import dev.sluice.spi.OutboundMessage;
import dev.sluice.spi.QueueDriver;
import dev.sluice.spi.SendResult;
import dev.sluice.testkit.Await;
import dev.sluice.worker.Worker;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** A password written in a queue URI reaches the driver, and nothing people, listeners or other systems read. */
class PasswordsInUrisTest {
    private static final String PASSWORD = "s3cret-pw";
    private static final Capabilities CAPS = Capabilities.builder("Secret MQ").maxNackDelay(Duration.ofMinutes(1))
            .maxLease(Duration.ofMinutes(10)).build();
    private final Broker broker = new Broker();

    @Test
    void theDeadLetterReasonLogLinesAndThreadNamesShowTheQueueWithoutThePassword() throws Exception {
        PrintStream stderr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        List<String> threads = new CopyOnWriteArrayList<>();
        QueueSpec spec = QueueSpec.of("secret://app:" + PASSWORD + "@broker/jobs");
        List<SluiceEvent> events = new CopyOnWriteArrayList<>();
        try (Sluice sluice = Sluice.builder().driver(broker).listener(events::add).build()) {
            broker.ready.add(message("poison"));
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            try (Worker worker = sluice.worker(spec).on("job", (e, d) -> {
                threads.add(Thread.currentThread().getName());
                throw new PermanentFailureException("cannot do " + e.getId());
            }).start()) {
                Await.until("dead-lettered", () -> !broker.sent.isEmpty());
            } finally {
                System.setErr(stderr);
            }
            assertThatThrownBy(() -> sluice.open(QueueSpec.builder("secret://app:" + PASSWORD + "@broker/other")
                    .ordering(true).build()))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("secret://app:***@broker/other").hasMessageNotContaining(PASSWORD);
        }
        DeadLetterReason reason = DeadLetterReason.fromAttribute(
                broker.sent.get(0).attributes().get(CloudEventCodec.DEAD_LETTER_ATTRIBUTE)).orElseThrow();
        assertThat(reason.sourceQueue()).isEqualTo("secret://app:***@broker/jobs");
        String log = captured.toString(StandardCharsets.UTF_8);
        assertThat(log).as("the dead-lettering line").contains("dead-lettering job poison from secret://app:***@broker/jobs");
        assertThat(log).doesNotContain(PASSWORD);
        assertThat(threads).isNotEmpty().allSatisfy(t -> assertThat(t).doesNotContain(PASSWORD));
        assertThat(events).as("what listeners (metrics, traces, JSON logs) see").isNotEmpty()
                .allSatisfy(e -> assertThat(e.queue().toString()).doesNotContain(PASSWORD))
                .anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(SluiceEvent.DeadLettered.class,
                        d -> assertThat(d.deadLetterQueue().toString()).isEqualTo("secret://app:***@broker/jobs-dlq")));
        assertThat(MessagingNames.destination(spec.uri())).isEqualTo("broker/jobs");
        assertThat(broker.opened).as("the driver is given the password").anyMatch(u -> u.toString().contains(PASSWORD));
    }

    private static InboundMessage message(String id) {
        OutboundMessage out = new CloudEventCodec(CAPS).encode(CloudEventBuilder.v1().withId(id)
                .withSource(URI.create("/t")).withType("job").build(), PublishOptions.NONE);
        return new InboundMessage(id, out.body(), out.attributes(), null, OptionalInt.of(1), null, id, null);
    }

    /** {@code secret://}: hands out what the test puts in {@code ready}; keeps what is sent to a DLQ. */
    private static final class Broker implements DriverProvider {
        final ConcurrentLinkedQueue<InboundMessage> ready = new ConcurrentLinkedQueue<>();
        final List<OutboundMessage> sent = new CopyOnWriteArrayList<>();
        final Set<URI> opened = ConcurrentHashMap.newKeySet();

        @Override
        public String scheme() {
            return "secret";
        }

        @Override
        public QueueDriver open(URI uri, DriverContext context) {
            opened.add(uri);
            return new QueueDriver() {
                @Override public Capabilities capabilities() { return CAPS; }
                @Override public URI uri() { return uri; }
                @Override public URI defaultDeadLetterUri() { return URI.create(uri + "-dlq"); }
                @Override public List<SendResult> send(List<OutboundMessage> batch) {
                    sent.addAll(batch);
                    return batch.stream().map(m -> SendResult.ok(m.id())).toList();
                }
                @Override public List<InboundMessage> receive(int max, Duration maxWait) throws InterruptedException {
                    InboundMessage m = ready.poll();
                    if (m == null) {
                        Thread.sleep(20);
                        return List.of();
                    }
                    return List.of(m);
                }
                @Override public List<AckFailure> ack(List<InboundMessage> batch) { return List.of(); }
                @Override public void nack(InboundMessage m, Duration delay) { }
                @Override public void extendLease(InboundMessage m, Duration lease) { }
                @Override public List<String> provision(QueueSpec spec, URI dlq) { return List.of(); }
                @Override public <T> Optional<T> unwrap(Class<T> type) { return Optional.empty(); }
                @Override public void close() { }
            };
        }
    }
}
