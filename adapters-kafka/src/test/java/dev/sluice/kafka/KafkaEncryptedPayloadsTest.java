package dev.sluice.kafka;

import dev.sluice.core.Sluice;
import dev.sluice.testkit.EncryptionConformance;
import java.net.URI;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Encrypted payloads on the test's Kafka 4 broker ({@link KafkaBroker#shared()}) with the local keyring, in both
 * modes the conformance suite runs (consumer group and share group): round trip, tampering, rotation, redrive.
 */
class KafkaEncryptedPayloadsTest {
    private static final String PREFIX = "enc" + UUID.randomUUID().toString().substring(0, 8) + "-";
    private static KafkaBroker broker;

    @BeforeAll
    static void start() {
        broker = KafkaBroker.shared();
    }

    static EncryptionConformance.Harness harness(String mode) {
        return new EncryptionConformance.Harness() {
            @Override
            public URI queue(String name) {
                return URI.create(broker.uri(PREFIX + mode + "-" + name, "mode=" + mode));
            }

            @Override
            public Sluice sluice(Sluice.Builder builder) {
                return builder.build();
            }
        };
    }

    abstract static class Cases {
        abstract EncryptionConformance.Harness kafka();

        @Test
        void roundTrip() throws Exception {
            EncryptionConformance.roundTrip(kafka());
        }

        @Test
        void tamperedEventsAreDeadLetteredUnhandled() throws Exception {
            EncryptionConformance.tamperedEventsAreDeadLetteredUnhandled(kafka());
        }

        @Test
        void keyRotation() throws Exception {
            EncryptionConformance.keyRotation(kafka());
        }

        @Test
        void redriveOfAnEncryptedDeadLetter() throws Exception {
            EncryptionConformance.redriveOfAnEncryptedDeadLetter(kafka());
        }
    }

    /** {@code mode=consumer}: a consumer group, ordered per record key. */
    @Nested
    class ConsumerGroup extends Cases {
        @Override
        EncryptionConformance.Harness kafka() {
            return harness("consumer");
        }
    }

    /** {@code mode=share}: a share group (per-record acknowledgement, no order). */
    @Nested
    class ShareGroup extends Cases {
        @Override
        EncryptionConformance.Harness kafka() {
            return harness("share");
        }
    }
}
