package dev.sluice.rabbitmq;

import dev.sluice.core.Sluice;
import dev.sluice.testkit.EncryptionConformance;
import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Encrypted payloads on the real RabbitMQ (127.0.0.1:5672, a vhost of this class's own) with the local keyring:
 * round trip, tampering, rotation, redrive.
 */
class RabbitEncryptedPayloadsTest {
    private static final AtomicInteger QUEUES = new AtomicInteger();
    private static RabbitBroker broker;
    private static EncryptionConformance.Harness rabbit;

    @BeforeAll
    static void start() {
        broker = RabbitBroker.start("encrypted");
        rabbit = new EncryptionConformance.Harness() {
            @Override
            public URI queue(String name) {
                return URI.create(broker.uri(name + "-" + QUEUES.incrementAndGet()));
            }

            @Override
            public Sluice sluice(Sluice.Builder builder) {
                return builder.build();
            }
        };
    }

    @AfterAll
    static void stop() {
        if (broker != null) broker.close();
    }

    @Test
    void roundTrip() throws Exception {
        EncryptionConformance.roundTrip(rabbit);
    }

    @Test
    void tamperedEventsAreDeadLetteredUnhandled() throws Exception {
        EncryptionConformance.tamperedEventsAreDeadLetteredUnhandled(rabbit);
    }

    @Test
    void keyRotation() throws Exception {
        EncryptionConformance.keyRotation(rabbit);
    }

    @Test
    void redriveOfAnEncryptedDeadLetter() throws Exception {
        EncryptionConformance.redriveOfAnEncryptedDeadLetter(rabbit);
    }
}
