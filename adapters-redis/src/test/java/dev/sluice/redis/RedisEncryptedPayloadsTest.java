package dev.sluice.redis;

import dev.sluice.core.Sluice;
import dev.sluice.testkit.EncryptionConformance;
import java.net.URI;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Encrypted payloads on the real Redis (127.0.0.1:6379, keys of a fresh prefix) with the local keyring: round trip,
 * tampering, rotation, redrive.
 */
class RedisEncryptedPayloadsTest {
    private static String prefix;
    private static EncryptionConformance.Harness redis;

    @BeforeAll
    static void start() {
        RedisServer.require();
        prefix = RedisServer.freshPrefix("encrypted");
        redis = new EncryptionConformance.Harness() {
            @Override
            public URI queue(String name) {
                return URI.create(RedisServer.uri(prefix + name));
            }

            @Override
            public Sluice sluice(Sluice.Builder builder) {
                return builder.build();
            }
        };
    }

    @AfterAll
    static void stop() {
        if (prefix != null) RedisServer.deleteKeys(prefix);
    }

    @Test
    void roundTrip() throws Exception {
        EncryptionConformance.roundTrip(redis);
    }

    @Test
    void tamperedEventsAreDeadLetteredUnhandled() throws Exception {
        EncryptionConformance.tamperedEventsAreDeadLetteredUnhandled(redis);
    }

    @Test
    void keyRotation() throws Exception {
        EncryptionConformance.keyRotation(redis);
    }

    @Test
    void redriveOfAnEncryptedDeadLetter() throws Exception {
        EncryptionConformance.redriveOfAnEncryptedDeadLetter(redis);
    }
}
