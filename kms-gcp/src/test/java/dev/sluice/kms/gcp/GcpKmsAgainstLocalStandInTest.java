package dev.sluice.kms.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.api.gax.retrying.RetrySettings;
import com.google.cloud.kms.v1.KeyManagementServiceClient;
import com.google.cloud.kms.v1.KeyManagementServiceSettings;
import dev.sluice.ConfigurationException;
import dev.sluice.ErrorCode;
import dev.sluice.SluiceException;
import dev.sluice.core.Sluice;
import dev.sluice.crypto.DataKey;
import dev.sluice.crypto.KeyProvider;
import dev.sluice.crypto.KeyProviderFactory;
import dev.sluice.crypto.UndecryptableException;
import dev.sluice.testkit.Await;
import dev.sluice.worker.Worker;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Cloud KMS key provider with the real KeyManagementServiceClient, against a local gRPC stand-in for Cloud KMS. */
class GcpKmsAgainstLocalStandInTest {
    private static GcpKmsStandIn kms;
    private static KeyManagementServiceClient client;

    @BeforeAll
    static void start() throws Exception {
        kms = new GcpKmsStandIn();
        // the user's own settings: three quick attempts instead of the library's minute of retries
        RetrySettings quick = RetrySettings.newBuilder().setMaxAttempts(3)
                .setInitialRetryDelayDuration(Duration.ofMillis(10)).setMaxRetryDelayDuration(Duration.ofMillis(50))
                .setRetryDelayMultiplier(2).setTotalTimeoutDuration(Duration.ofSeconds(10))
                .setInitialRpcTimeoutDuration(Duration.ofSeconds(5)).setMaxRpcTimeoutDuration(Duration.ofSeconds(5))
                .build();
        KeyManagementServiceSettings.Builder settings = kms.settings();
        settings.encryptSettings().setRetrySettings(quick);
        settings.decryptSettings().setRetrySettings(quick);
        client = KeyManagementServiceClient.create(settings.build());
    }

    @AfterAll
    static void stop() {
        client.close();
        kms.close();
    }

    @Test
    void aDataKeyWrappedWithEncryptUnwrapsWithDecryptAndNamesTheCryptoKey() {
        String key = kms.createKey("wrap-" + System.nanoTime());
        GcpKmsKeyProvider keys = new GcpKmsKeyProvider(client, key);
        DataKey k = keys.newDataKey();
        DataKey other = keys.newDataKey();
        assertThat(k.keyId()).isEqualTo(key);
        assertThat(k.plaintext()).hasSize(32).isNotEqualTo(other.plaintext());
        assertThat(k.wrapped()).isNotEqualTo(other.wrapped());
        assertThat(keys.unwrap(k.keyId(), k.wrapped())).isEqualTo(k.plaintext());
        assertThat(new GcpKmsKeyProvider(client, null).unwrap(other.keyId(), other.wrapped()))
                .as("an unwrap-only provider").isEqualTo(other.plaintext());
        assertThat(keys.toString()).contains(key).doesNotContain(Base64.getEncoder().encodeToString(k.plaintext()));
    }

    @Test
    void afterARotationInKmsOldDataKeysStillUnwrapAndADisabledVersionMakesThemUndecryptable() {
        String key = kms.createKey("rotated-" + System.nanoTime());
        GcpKmsKeyProvider keys = new GcpKmsKeyProvider(client, key);
        DataKey before = keys.newDataKey();
        kms.rotate(key);
        DataKey after = keys.newDataKey();
        assertThat(after.keyId()).as("the key id stays the CryptoKey").isEqualTo(before.keyId());
        assertThat(keys.unwrap(key, before.wrapped())).isEqualTo(before.plaintext());
        assertThat(keys.unwrap(key, after.wrapped())).isEqualTo(after.plaintext());
        kms.disable(key, 1);
        assertThatThrownBy(() -> keys.unwrap(key, before.wrapped())).isInstanceOf(UndecryptableException.class)
                .hasMessageContaining("FAILED_PRECONDITION").hasMessageContaining(key);
        assertThat(keys.unwrap(key, after.wrapped())).isEqualTo(after.plaintext());
        kms.destroy(key, 2);
        assertThatThrownBy(() -> keys.unwrap(key, after.wrapped())).isInstanceOf(UndecryptableException.class)
                .hasMessageContaining("FAILED_PRECONDITION");
        assertThatThrownBy(keys::newDataKey).as("wrapping under a destroyed primary fails the publish, for good")
                .isInstanceOf(SluiceException.class).isNotInstanceOf(UndecryptableException.class)
                .satisfies(e -> assertThat(((SluiceException) e).code().retryable()).isFalse());
    }

    @Test
    void aTamperedWrappedKeyAnotherKeysOrAnUnknownKeyIsUndecryptable() {
        String key = kms.createKey("tamper-" + System.nanoTime());
        String other = kms.createKey("other-" + System.nanoTime());
        GcpKmsKeyProvider keys = new GcpKmsKeyProvider(client, key);
        DataKey k = keys.newDataKey();
        byte[] tampered = k.wrapped().clone();
        tampered[tampered.length - 1] ^= 1;
        assertThatThrownBy(() -> keys.unwrap(key, tampered)).isInstanceOf(UndecryptableException.class)
                .hasMessageContaining("INVALID_ARGUMENT").hasMessageContaining(key);
        assertThatThrownBy(() -> keys.unwrap(key, new byte[] {1, 2, 3})).isInstanceOf(UndecryptableException.class)
                .hasMessageContaining("INVALID_ARGUMENT");
        assertThatThrownBy(() -> keys.unwrap(other, k.wrapped())).as("wrapped under another key")
                .isInstanceOf(UndecryptableException.class).hasMessageContaining("INVALID_ARGUMENT");
        String unknown = key.replace("tamper-", "never-created-");
        assertThatThrownBy(() -> keys.unwrap(unknown, k.wrapped())).isInstanceOf(UndecryptableException.class)
                .hasMessageContaining("NOT_FOUND").hasMessageContaining(unknown);
        int decrypts = kms.calls("Decrypt");
        assertThatThrownBy(() -> keys.unwrap("alias/orders", k.wrapped())).isInstanceOf(UndecryptableException.class)
                .hasMessageContaining("not a Cloud KMS CryptoKey name");
        assertThat(kms.calls("Decrypt")).as("a key id that is no CryptoKey never reaches KMS").isEqualTo(decrypts);
        assertThatThrownBy(() -> new GcpKmsKeyProvider(client, unknown).newDataKey())
                .isInstanceOf(SluiceException.class).isNotInstanceOf(UndecryptableException.class)
                .satisfies(e -> assertThat(((SluiceException) e).code()).isEqualTo(ErrorCode.NOT_FOUND));
    }

    @Test
    void kmsUnavailableIsRetryableNotUndecryptable() {
        String key = kms.createKey("down-" + System.nanoTime());
        GcpKmsKeyProvider keys = new GcpKmsKeyProvider(client, key);
        DataKey k = keys.newDataKey();
        int decrypts = kms.calls("Decrypt");
        kms.outage.set(true);
        try {
            assertThatThrownBy(() -> keys.unwrap(key, k.wrapped()))
                    .isInstanceOf(SluiceException.class).isNotInstanceOf(UndecryptableException.class)
                    .hasMessageContaining("UNAVAILABLE")
                    .satisfies(e -> assertThat(((SluiceException) e).code().retryable()).isTrue());
            assertThat(kms.calls("Decrypt") - decrypts).as("the client's own retries, from the settings given")
                    .isEqualTo(3);
            assertThatThrownBy(keys::newDataKey).isInstanceOf(SluiceException.class)
                    .satisfies(e -> assertThat(((SluiceException) e).code().retryable()).isTrue());
        } finally {
            kms.outage.set(false);
        }
        assertThat(keys.unwrap(key, k.wrapped())).as("after the outage").isEqualTo(k.plaintext());
    }

    @Test
    void aResponseThatFailsItsChecksumIsNeverUsedAndIsRetryable() {
        String key = kms.createKey("damaged-" + System.nanoTime());
        GcpKmsKeyProvider keys = new GcpKmsKeyProvider(client, key);
        DataKey k = keys.newDataKey();
        kms.corruptResponses.set(true);
        try {
            assertThatThrownBy(() -> keys.unwrap(key, k.wrapped())).isInstanceOf(SluiceException.class)
                    .isNotInstanceOf(UndecryptableException.class).hasMessageContaining("plaintext_crc32c")
                    .satisfies(e -> assertThat(((SluiceException) e).code().retryable()).isTrue());
            assertThatThrownBy(keys::newDataKey).isInstanceOf(SluiceException.class)
                    .hasMessageContaining("ciphertext_crc32c")
                    .satisfies(e -> assertThat(((SluiceException) e).code().retryable()).isTrue());
        } finally {
            kms.corruptResponses.set(false);
        }
    }

    @Test
    void encryptedEventsRoundTripOnMemWithOneKmsCallPerDataKey() throws Exception {
        String key = kms.createKey("orders-" + System.nanoTime());
        int encrypted = kms.calls("Encrypt");
        int decrypted = kms.calls("Decrypt");
        List<String> handled = new CopyOnWriteArrayList<>();
        try (Sluice sluice = Sluice.builder().keyProvider(new GcpKmsKeyProvider(client, key))
                .encrypted("mem://gcp-kms-orders").build();
             Worker w = sluice.worker("mem://gcp-kms-orders")
                     .on("order.placed", (e, d) -> handled.add(new String(e.getData().toBytes(), StandardCharsets.UTF_8)))
                     .start()) {
            for (int i = 0; i < 3; i++) sluice.publisher("mem://gcp-kms-orders").publish(order("k-" + i)).get();
            Await.until("three handled", () -> handled.size() == 3);
        }
        assertThat(handled).hasSize(3).allSatisfy(d -> assertThat(d).contains("secret"));
        assertThat(kms.calls("Encrypt") - encrypted).as("data keys made").isEqualTo(1);
        assertThat(kms.calls("Decrypt") - decrypted).as("data keys unwrapped").isEqualTo(1);
    }

    /**
     * The Cloud KMS client honours no endpoint setting from the environment (there is no emulator host for KMS), so
     * the factory cannot be pointed at the stand-in: this checks it opens {@code gcp-kms:} keys through
     * {@link KeyProviderFactory#open} with Application Default Credentials (the surefire configuration points
     * {@code GOOGLE_APPLICATION_CREDENTIALS} at a test file; no call is made), and refuses a key that is not a
     * CryptoKey name before making a client.
     */
    @Test
    void aKeyNamedInConfigurationOpensThroughTheFactoryWithApplicationDefaultCredentials() {
        String key = "projects/p/locations/europe-west1/keyRings/r/cryptoKeys/orders";
        KeyProvider keys = KeyProviderFactory.open("gcp-kms:" + key);
        assertThat(keys).isInstanceOf(GcpKmsKeyProvider.class);
        assertThat(keys.primaryKeyId()).contains(key);
        assertThatThrownBy(() -> KeyProviderFactory.open("gcp-kms:" + key + "/cryptoKeyVersions/1"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("CryptoKey name")
                .hasMessageContaining("not a key version");
        assertThatThrownBy(() -> KeyProviderFactory.open("gcp-kms:orders"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("projects/<project>/locations/");
        assertThatThrownBy(() -> new GcpKmsKeyProvider(client, "keyRings/r/cryptoKeys/k"))
                .isInstanceOf(ConfigurationException.class);
    }

    private static CloudEvent order(String id) {
        return CloudEventBuilder.v1().withId(id).withSource(URI.create("/shop")).withType("order.placed")
                .withDataContentType("application/json")
                .withData("{\"card\":\"secret\"}".getBytes(StandardCharsets.UTF_8)).build();
    }
}
