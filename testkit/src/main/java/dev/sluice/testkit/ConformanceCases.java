package dev.sluice.testkit;

import dev.sluice.PublishOptions;
import dev.sluice.QueueSpec;
import dev.sluice.core.Sluice;
import dev.sluice.spi.Capabilities;
import dev.sluice.spi.InboundMessage;
import dev.sluice.spi.QueueDriver;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/** What both halves of the conformance suite share: the harness, fresh queues, events and receiving. */
abstract class ConformanceCases {
    static final String TYPE = "dev.sluice.conformance";
    private static final AtomicInteger QUEUES = new AtomicInteger();

    /** The harness of the {@link ConformanceSuite} this half runs in. */
    protected abstract ConformanceHarness harness();

    /** The Sluice under test. */
    protected Sluice sluice() {
        return harness().sluice();
    }

    /**
     * A spec for a fresh queue named {@code name-N}; a spec that asks for ordering gets a queue of the
     * harness's ordered kind (SQS FIFO, a Pub/Sub subscription with ordering).
     */
    QueueSpec queue(String name, Consumer<QueueSpec.Builder> settings) {
        QueueSpec.Builder b = harness().newQueue(name + "-" + QUEUES.incrementAndGet(), false);
        settings.accept(b);
        QueueSpec spec = b.build();
        if (spec.ordering()) {
            QueueSpec.Builder ordered = harness().newQueue(name + "-" + QUEUES.incrementAndGet(), true);
            settings.accept(ordered);
            spec = ordered.build();
        }
        return spec;
    }

    /** The broker's capabilities, read from a queue of the ordered kind where the harness has one. */
    Capabilities capabilities() {
        return sluice().driver(harness().newQueue("capabilities-" + QUEUES.incrementAndGet(), true).build().uri())
                .capabilities();
    }

    /** How long a receive waits where the suite expects nothing: no wall time on a virtual clock. */
    Duration shortWait() {
        return harness().virtualTime() ? Duration.ZERO : Duration.ofSeconds(1);
    }

    static String capabilityMissing(String capability) {
        return "the broker lacks the capability: " + capability;
    }

    static CloudEvent event(String id) {
        return CloudEventBuilder.v1().withId(id).withSource(URI.create("/conformance")).withType(TYPE)
                .withData("text/plain", id.getBytes(StandardCharsets.UTF_8)).build();
    }

    /** Ordering brokers that need a key on every message (SQS FIFO) get one. */
    static String orderingKeyIfRequired(QueueDriver driver) {
        return driver.capabilities().ordering() ? "conformance" : null;
    }

    static PublishOptions options(QueueDriver driver) {
        String key = orderingKeyIfRequired(driver);
        return key == null ? PublishOptions.NONE : PublishOptions.orderingKey(key);
    }

    /** One message, waiting up to 30 s of wall time (time does not move meanwhile on a virtual clock). */
    static InboundMessage receiveOne(QueueDriver driver) throws InterruptedException {
        return receiveWithin(driver, Duration.ofSeconds(30));
    }

    /** One message that arrives within {@code bound} of wall time, with no virtual time passing meanwhile. */
    static InboundMessage receiveWithin(QueueDriver driver, Duration bound) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        do {
            long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
            List<InboundMessage> got = driver.receive(1, Duration.ofMillis(Math.min(1000, left)));
            if (!got.isEmpty()) return got.get(0);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("no message arrived on " + driver.uri() + " within " + bound);
    }
}
