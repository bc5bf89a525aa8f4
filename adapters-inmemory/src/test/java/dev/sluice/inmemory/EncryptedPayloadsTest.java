package dev.sluice.inmemory;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.ConfigurationException;
import dev.sluice.core.Sluice;
import dev.sluice.crypto.LocalKeyring;
import dev.sluice.testkit.EncryptionConformance;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** Encrypted payloads on mem://, with the local keyring; and the start-up check of an encrypted queue. */
class EncryptedPayloadsTest {
    private static final EncryptionConformance.Harness MEM = new EncryptionConformance.Harness() {
        @Override
        public URI queue(String name) {
            return URI.create("mem://" + name);
        }

        @Override
        public Sluice sluice(Sluice.Builder builder) {
            return builder.build();
        }
    };

    @Test
    void roundTrip() throws Exception {
        EncryptionConformance.roundTrip(MEM);
    }

    @Test
    void tamperedEventsAreDeadLetteredUnhandled() throws Exception {
        EncryptionConformance.tamperedEventsAreDeadLetteredUnhandled(MEM);
    }

    @Test
    void keyRotation() throws Exception {
        EncryptionConformance.keyRotation(MEM);
    }

    @Test
    void redriveOfAnEncryptedDeadLetter() throws Exception {
        EncryptionConformance.redriveOfAnEncryptedDeadLetter(MEM);
    }

    @Test
    void anEncryptedQueueWithoutAKeyProviderFailsAtStartUpNamingTheQueue() {
        assertThatThrownBy(() -> Sluice.builder().encrypted("mem://orders").build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("mem://orders").hasMessageContaining("no key provider");
    }

    @Test
    void anEncryptedQueueWithAnEmptyKeyringFailsAtStartUpNamingTheQueue() {
        LocalKeyring unset = LocalKeyring.fromEnvironment(name -> null);
        assertThatThrownBy(() -> Sluice.builder().keyProvider(unset).encrypted("mem://orders").build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("mem://orders").hasMessageContaining("SLUICE_KEYRING");
    }
}
