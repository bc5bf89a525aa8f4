package dev.sluice.kms.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsAsyncClient;

/** The AWS KMS key provider with the real SDK client, against a local stand-in for KMS's two calls. */
class AwsKmsAgainstLocalStandInTest {
    private static KmsStandIn kms;
    private static KmsAsyncClient client;

    @BeforeAll
    static void start() throws Exception {
        kms = new KmsStandIn();
        client = KmsAsyncClient.builder().region(Region.US_EAST_1).endpointOverride(kms.endpoint())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .overrideConfiguration(c -> c.retryStrategy(RetryMode.STANDARD))
                .build();
    }

    @AfterAll
    static void stop() {
        client.close();
        kms.close();
    }

    @Test
    void aDataKeyFromGenerateDataKeyUnwrapsWithDecryptAndNamesTheKeyByArn() {
        String arn = kms.createKey("wrap-" + System.nanoTime());
        AwsKmsKeyProvider keys = new AwsKmsKeyProvider(client, arn.substring(KmsStandIn.ARN_PREFIX.length()));
        DataKey k = keys.newDataKey();
        assertThat(k.keyId()).isEqualTo(arn);
        assertThat(k.plaintext()).hasSize(32);
        assertThat(keys.unwrap(k.keyId(), k.wrapped())).isEqualTo(k.plaintext());
        assertThat(keys.toString()).doesNotContain(java.util.Base64.getEncoder().encodeToString(k.plaintext()));
    }

    @Test
    void anUnknownKeyOrATamperedWrappedKeyIsUndecryptable() {
        String arn = kms.createKey("gone-" + System.nanoTime());
        AwsKmsKeyProvider keys = new AwsKmsKeyProvider(client, arn);
        DataKey k = keys.newDataKey();
        byte[] tampered = k.wrapped().clone();
        tampered[tampered.length - 1] ^= 1;
        assertThatThrownBy(() -> keys.unwrap(arn, tampered)).isInstanceOf(UndecryptableException.class)
                .hasMessageContaining("InvalidCiphertextException");
        kms.deleteKey(arn);
        assertThatThrownBy(() -> keys.unwrap(arn, k.wrapped())).isInstanceOf(UndecryptableException.class)
                .hasMessageContaining("NotFoundException");
    }

    @Test
    void kmsUnavailableIsRetryableNotUndecryptable() {
        String arn = kms.createKey("down-" + System.nanoTime());
        AwsKmsKeyProvider keys = new AwsKmsKeyProvider(client, arn);
        DataKey k = keys.newDataKey();
        kms.outage.set(true);
        try {
            assertThatThrownBy(() -> keys.unwrap(arn, k.wrapped()))
                    .isInstanceOf(SluiceException.class).isNotInstanceOf(UndecryptableException.class)
                    .satisfies(e -> assertThat(((SluiceException) e).code().retryable()).isTrue());
        } finally {
            kms.outage.set(false);
        }
    }

    @Test
    void encryptedEventsRoundTripOnMemWithOneKmsCallPerDataKey() throws Exception {
        String arn = kms.createKey("orders-" + System.nanoTime());
        int generated = kms.calls("GenerateDataKey");
        int decrypted = kms.calls("Decrypt");
        List<String> handled = new CopyOnWriteArrayList<>();
        try (Sluice sluice = Sluice.builder().keyProvider(new AwsKmsKeyProvider(client, arn))
                .encrypted("mem://kms-orders").build();
             Worker w = sluice.worker("mem://kms-orders")
                     .on("order.placed", (e, d) -> handled.add(new String(e.getData().toBytes(), StandardCharsets.UTF_8)))
                     .start()) {
            for (int i = 0; i < 3; i++) sluice.publisher("mem://kms-orders").publish(order("k-" + i)).get();
            Await.until("three handled", () -> handled.size() == 3);
        }
        assertThat(handled).allSatisfy(d -> assertThat(d).contains("secret"));
        assertThat(kms.calls("GenerateDataKey") - generated).as("data keys made").isEqualTo(1);
        assertThat(kms.calls("Decrypt") - decrypted).as("data keys unwrapped").isEqualTo(1);
    }

    @Test
    void aKeyNamedInConfigurationOpensThroughTheFactoryWithTheSdkDefaults() {
        String arn = kms.createKey("configured-" + System.nanoTime());
        Map<String, String> properties = Map.of("aws.endpointUrlKms", kms.endpoint().toString(), "aws.region", "us-east-1",
                "aws.accessKeyId", "test", "aws.secretAccessKey", "test");
        properties.forEach(System::setProperty);
        try {
            KeyProvider keys = KeyProviderFactory.open("aws-kms:" + arn);
            assertThat(keys).isInstanceOf(AwsKmsKeyProvider.class);
            assertThat(keys.primaryKeyId()).contains(arn);
            DataKey k = keys.newDataKey();
            assertThat(keys.unwrap(k.keyId(), k.wrapped())).isEqualTo(k.plaintext());
        } finally {
            properties.keySet().forEach(System::clearProperty);
        }
        assertThatThrownBy(() -> KeyProviderFactory.open("gcp-kms:projects/p/locations/l/keyRings/r/cryptoKeys/k"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("'gcp-kms:'")
                .hasMessageContaining("found: aws-kms");
        assertThatThrownBy(() -> KeyProviderFactory.open("alias/orders"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("<scheme>:<key>");
    }

    private static CloudEvent order(String id) {
        return CloudEventBuilder.v1().withId(id).withSource(URI.create("/shop")).withType("order.placed")
                .withDataContentType("application/json")
                .withData("{\"card\":\"secret\"}".getBytes(StandardCharsets.UTF_8)).build();
    }
}
