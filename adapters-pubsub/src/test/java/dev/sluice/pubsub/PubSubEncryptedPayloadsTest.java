package dev.sluice.pubsub;

import dev.sluice.core.Sluice;
import dev.sluice.testkit.EncryptionConformance;
import java.net.URI;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Encrypted payloads on Pub/Sub (the gRPC test server, wall clock) with the local keyring. */
class PubSubEncryptedPayloadsTest {
    private static TestServerFixture fixture;
    private static EncryptionConformance.Harness pubsub;

    @BeforeAll
    static void start() {
        fixture = new TestServerFixture();
        pubsub = new EncryptionConformance.Harness() {
            @Override
            public URI queue(String name) {
                return TestServerFixture.uri(TestServerFixture.name(name));
            }

            @Override
            public Sluice sluice(Sluice.Builder builder) {
                return builder.environment(fixture.env()::get).build();
            }
        };
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    @Test
    void roundTrip() throws Exception {
        EncryptionConformance.roundTrip(pubsub);
    }

    @Test
    void tamperedEventsAreDeadLetteredUnhandled() throws Exception {
        EncryptionConformance.tamperedEventsAreDeadLetteredUnhandled(pubsub);
    }

    @Test
    void keyRotation() throws Exception {
        EncryptionConformance.keyRotation(pubsub);
    }

    @Test
    void redriveOfAnEncryptedDeadLetter() throws Exception {
        EncryptionConformance.redriveOfAnEncryptedDeadLetter(pubsub);
    }
}
