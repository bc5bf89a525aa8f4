package dev.sluice.inmemory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.ConfigurationException;
import dev.sluice.ErrorCode;
import dev.sluice.PermanentFailureException;
import dev.sluice.crypto.PayloadEncryption;
import dev.sluice.crypto.UndecryptableException;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.nio.charset.StandardCharsets;
import dev.sluice.QueueSpec;
import dev.sluice.RetryPolicy;
import dev.sluice.SluiceException;
import dev.sluice.crypto.DataKey;
import dev.sluice.crypto.KeyProvider;
import dev.sluice.observe.SluiceEvent;
import dev.sluice.testkit.Await;
import dev.sluice.worker.Worker;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
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
    void aKeyServiceFailureIsRetriedNotDeadLettered() throws Exception {
        LocalKeyring ring = LocalKeyring.of(EncryptionConformance.newKey("k1"));
        AtomicInteger failuresLeft = new AtomicInteger(1);
        KeyProvider flaky = new KeyProvider() {
            @Override
            public Optional<String> primaryKeyId() {
                return ring.primaryKeyId();
            }

            @Override
            public DataKey newDataKey() {
                return ring.newDataKey();
            }

            @Override
            public byte[] unwrap(String keyId, byte[] wrapped) {
                if (failuresLeft.getAndDecrement() > 0) throw new SluiceException(ErrorCode.UNAVAILABLE, "KMS down");
                return ring.unwrap(keyId, wrapped);
            }
        };
        List<SluiceEvent> seen = new CopyOnWriteArrayList<>();
        List<Integer> attempts = new CopyOnWriteArrayList<>();
        QueueSpec spec = QueueSpec.builder("mem://flaky-keys").retryPolicy(RetryPolicy.immediate()).build();
        try (Sluice sluice = Sluice.builder().keyProvider(flaky).encrypted("mem://flaky-keys").listener(seen::add).build();
             Worker w = sluice.worker(spec).on("job", (e, d) -> attempts.add(d.attempt().orElse(-1))).start()) {
            sluice.publisher("mem://flaky-keys").publish("job", Map.of("n", 1)).get();
            Await.until("handled", () -> attempts.size() == 1);
        }
        assertThat(attempts).containsExactly(2);
        assertThat(seen).anyMatch(e -> e instanceof SluiceEvent.RetryScheduled)
                .noneMatch(e -> e instanceof SluiceEvent.DeadLettered);
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

    @Test
    void aDeadLetterIsDecryptedOnlyWithTheKeysTheSluiceWasBuiltWith() throws Exception {
        String k1 = EncryptionConformance.newKey("k1");
        QueueSpec spec = QueueSpec.builder("mem://declined").build();
        try (Sluice sluice = Sluice.builder().keyProvider(LocalKeyring.of(k1)).encrypted("mem://declined").build();
             Worker w = sluice.worker(spec).on("order.placed", (e, d) -> {
                 throw new PermanentFailureException("card declined");
             }).start()) {
            sluice.publisher("mem://declined").publish("order.placed", Map.of("card", "4111-1111")).get();
            Await.until("dead-lettered", () -> sluice.stats(spec).deadLetterQueue().visible().orElse(0) == 1);
            CloudEvent kept = sluice.deadLetters(spec).peek(1).get(0).event();
            assertThat(PayloadEncryption.keyId(kept)).contains("k1");

            CloudEvent plain = sluice.decrypt(kept);
            assertThat(plain.getDataContentType()).isEqualTo("application/json");
            assertThat(new String(plain.getData().toBytes(), StandardCharsets.UTF_8)).contains("4111-1111");
            assertThat(sluice.decrypt(plain)).as("not encrypted: as it is").isSameAs(plain);

            try (Sluice keyless = Sluice.create()) {
                assertThatThrownBy(() -> keyless.decrypt(kept)).isInstanceOfSatisfying(UndecryptableException.class,
                        e -> assertThat(e.missingKeyId()).contains("k1")).hasMessageContaining("no key provider");
            }
            try (Sluice otherKeys = Sluice.builder().keyProvider(LocalKeyring.of(EncryptionConformance.newKey("k2"))).build()) {
                assertThatThrownBy(() -> otherKeys.decrypt(kept)).isInstanceOfSatisfying(UndecryptableException.class,
                        e -> assertThat(e.missingKeyId()).contains("k1")).hasMessageContaining("unknown key 'k1'");
            }
            CloudEvent swapped = CloudEventBuilder.from(kept).withType("order.refunded").build();
            assertThatThrownBy(() -> sluice.decrypt(swapped)).isInstanceOfSatisfying(UndecryptableException.class,
                    e -> assertThat(e.missingKeyId()).isEmpty()).hasMessageContaining("authentication failed");
        }
    }
}
