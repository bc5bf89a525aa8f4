package dev.sluice.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.QueueSpec;
import dev.sluice.core.Sluice;
import dev.sluice.testkit.VirtualClock;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Depth gauges for a queue and its dead-letter queue, refreshed at most once per period. */
class QueueDepthGaugesTest {
    private final VirtualClock clock = new VirtualClock();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Sluice sluice = Sluice.builder().scheduler(clock).build();

    @AfterEach
    void close() {
        sluice.close();
    }

    private static CloudEvent event(String id) {
        return CloudEventBuilder.v1().withId(id).withSource(URI.create("/test")).withType("job").build();
    }

    private double gauge(String name, String... tags) {
        return registry.get(name).tags(tags).gauge().value();
    }

    @Test
    void gaugesShowTheQueueAndItsDeadLetterQueueRefreshedOncePerPeriod() throws Exception {
        QueueSpec spec = QueueSpec.of("mem://gauged");
        QueueDepthGauges.register(registry, sluice, spec, Duration.ofSeconds(10));
        assertThat(gauge(QueueDepthGauges.MESSAGES, "sluice.queue.role", "source", "sluice.state", "visible")).isZero();

        sluice.publisher(spec.uri()).publish(event("a")).get();
        sluice.publisher(spec.uri()).publish(event("b")).get();
        sluice.open(spec).deadLetterQueue().send(List.of(new dev.sluice.spi.OutboundMessage("x", "{}".getBytes(),
                java.util.Map.of(), null, null, Duration.ZERO)));
        assertThat(gauge(QueueDepthGauges.MESSAGES, "sluice.queue.role", "source", "sluice.state", "visible"))
                .as("not read again within the period").isZero();

        clock.advance(Duration.ofSeconds(10));
        assertThat(gauge(QueueDepthGauges.MESSAGES, "messaging.destination.name", "gauged", "sluice.state", "visible")).isEqualTo(2);
        assertThat(gauge(QueueDepthGauges.MESSAGES, "messaging.destination.name", "gauged", "sluice.state", "in_flight")).isZero();
        assertThat(gauge(QueueDepthGauges.MESSAGES, "messaging.destination.name", "gauged-dlq", "sluice.queue.role",
                "dead_letter", "sluice.state", "visible")).isEqualTo(1);
        assertThat(gauge(QueueDepthGauges.OLDEST_AGE, "messaging.destination.name", "gauged")).isEqualTo(10);
    }

    @Test
    void theGaugesKeepTheirReadingAcrossGarbageCollections() throws Exception {
        QueueSpec spec = QueueSpec.of("mem://collected");
        QueueDepthGauges.register(registry, sluice, spec, Duration.ZERO);
        sluice.publisher(spec.uri()).publish(event("a")).get();
        for (int i = 0; i < 3; i++) {
            System.gc(); // Micrometer holds a gauge's object weakly unless told otherwise
            assertThat(gauge(QueueDepthGauges.MESSAGES, "messaging.destination.name", "collected", "sluice.state", "visible"))
                    .isEqualTo(1);
        }
    }

    @Test
    void whatTheBrokerCannotTellIsNaN() {
        // a driver with only the default depth(): nothing known
        QueueSpec spec = QueueSpec.of("blind://q");
        try (Sluice blind = Sluice.builder().scheduler(clock).driver(new BlindProvider()).build()) {
            QueueDepthGauges.register(registry, blind, spec);
            assertThat(gauge(QueueDepthGauges.MESSAGES, "messaging.system", "blind", "sluice.state", "visible")).isNaN();
            assertThat(gauge(QueueDepthGauges.OLDEST_AGE, "messaging.system", "blind", "sluice.queue.role", "dead_letter")).isNaN();
        }
    }

    /** {@code blind://}: the in-memory driver behind a driver that does not implement {@code depth()}. */
    private static final class BlindProvider implements dev.sluice.spi.DriverProvider {
        private final dev.sluice.inmemory.MemoryDriverProvider memory = new dev.sluice.inmemory.MemoryDriverProvider();

        @Override
        public String scheme() {
            return "blind";
        }

        @Override
        public dev.sluice.spi.QueueDriver open(URI uri, dev.sluice.spi.DriverContext context) {
            dev.sluice.spi.QueueDriver inner = memory.open(URI.create("mem://" + uri.getAuthority()), context);
            return new dev.sluice.spi.QueueDriver() {
                @Override public dev.sluice.spi.Capabilities capabilities() { return inner.capabilities(); }
                @Override public URI uri() { return uri; }
                @Override public URI defaultDeadLetterUri() { return URI.create(uri + "-dlq"); }
                @Override public List<dev.sluice.spi.SendResult> send(List<dev.sluice.spi.OutboundMessage> b) { return inner.send(b); }
                @Override public List<dev.sluice.spi.InboundMessage> receive(int max, Duration wait) throws InterruptedException {
                    return inner.receive(max, wait);
                }
                @Override public List<dev.sluice.spi.AckFailure> ack(List<dev.sluice.spi.InboundMessage> b) { return inner.ack(b); }
                @Override public void nack(dev.sluice.spi.InboundMessage m, Duration d) { inner.nack(m, d); }
                @Override public void extendLease(dev.sluice.spi.InboundMessage m, Duration d) { inner.extendLease(m, d); }
                @Override public List<String> provision(QueueSpec s, URI dlq) { return inner.provision(s, dlq); }
                @Override public <T> java.util.Optional<T> unwrap(Class<T> type) { return inner.unwrap(type); }
                @Override public void close() { }
            };
        }
    }
}
