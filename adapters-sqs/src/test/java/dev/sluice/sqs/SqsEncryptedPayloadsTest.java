package dev.sluice.sqs;

import dev.sluice.core.Sluice;
import dev.sluice.testkit.EncryptionConformance;
import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Encrypted payloads on SQS (ElasticMQ) with the local keyring: round trip, tampering, rotation, redrive. */
class SqsEncryptedPayloadsTest {
    private static final AtomicInteger QUEUES = new AtomicInteger();
    private static ElasticMq mq;
    private static EncryptionConformance.Harness sqs;

    @BeforeAll
    static void start() {
        mq = ElasticMq.start();
        sqs = new EncryptionConformance.Harness() {
            @Override
            public URI queue(String name) {
                return URI.create("sqs://" + name + "-" + QUEUES.incrementAndGet());
            }

            @Override
            public Sluice sluice(Sluice.Builder builder) {
                return mq.sluice(builder);
            }
        };
    }

    @AfterAll
    static void stop() {
        mq.close();
    }

    @Test
    void roundTrip() throws Exception {
        EncryptionConformance.roundTrip(sqs);
    }

    @Test
    void tamperedEventsAreDeadLetteredUnhandled() throws Exception {
        EncryptionConformance.tamperedEventsAreDeadLetteredUnhandled(sqs);
    }

    @Test
    void keyRotation() throws Exception {
        EncryptionConformance.keyRotation(sqs);
    }

    @Test
    void redriveOfAnEncryptedDeadLetter() throws Exception {
        EncryptionConformance.redriveOfAnEncryptedDeadLetter(sqs);
    }
}
