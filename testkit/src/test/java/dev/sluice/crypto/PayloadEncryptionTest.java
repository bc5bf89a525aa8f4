package dev.sluice.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.ConfigurationException;
import dev.sluice.testkit.EncryptionConformance;
import dev.sluice.testkit.VirtualClock;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The envelope, what it binds, and the bounds of the data-key caches. */
class PayloadEncryptionTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String entry = EncryptionConformance.newKey("k1");
    private final Counting keys = new Counting(LocalKeyring.of(entry));
    private final VirtualClock clock = new VirtualClock();
    private final PayloadEncryption encryption = new PayloadEncryption(keys, clock, Duration.ofMinutes(5), 3, 10);

    private static CloudEvent event(String id) {
        return CloudEventBuilder.v1().withId(id).withSource(URI.create("/shop")).withType("order.placed")
                .withSubject("order-7").withDataContentType("application/json")
                .withExtension("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
                .withData("{\"card\":\"4111\"}".getBytes(StandardCharsets.UTF_8)).build();
    }

    @Test
    void theEnvelopeReplacesOnlyTheDataAndItsContentType() throws Exception {
        CloudEvent sealed = encryption.encrypt(event("e-1"));
        assertThat(sealed.getId()).isEqualTo("e-1");
        assertThat(sealed.getType()).isEqualTo("order.placed");
        assertThat(sealed.getSubject()).isEqualTo("order-7");
        assertThat(sealed.getExtension("traceparent")).isNotNull();
        assertThat(sealed.getDataContentType()).isEqualTo(PayloadEncryption.CONTENT_TYPE);
        String data = new String(sealed.getData().toBytes(), StandardCharsets.UTF_8);
        assertThat(data).doesNotContain("4111");
        JsonNode envelope = JSON.readTree(data);
        assertThat(envelope.get("v").asInt()).isEqualTo(1);
        assertThat(envelope.get("alg").asText()).isEqualTo("A256GCM");
        assertThat(envelope.get("kid").asText()).isEqualTo("k1");
        assertThat(envelope.get("cty").asText()).isEqualTo("application/json");
        assertThat(envelope.fieldNames()).toIterable().containsExactly("v", "alg", "kid", "key", "iv", "cty", "ct");

        CloudEvent opened = encryption.decrypt(sealed);
        assertThat(opened).isEqualTo(event("e-1"));
        assertThat(encryption.encrypt(sealed)).as("never encrypted twice").isSameAs(sealed);
    }

    @Test
    void anEventWithoutDataOrContentTypeComesBackWithout() {
        CloudEvent bare = CloudEventBuilder.v1().withId("b").withSource(URI.create("/s")).withType("t").build();
        assertThat(encryption.decrypt(encryption.encrypt(bare))).isEqualTo(bare);
    }

    @Test
    void idSourceSubjectAndTypeAreBoundButExtensionsAreNot() {
        CloudEvent sealed = encryption.encrypt(event("e-2"));
        for (CloudEvent changed : List.of(
                CloudEventBuilder.from(sealed).withId("e-3").build(),
                CloudEventBuilder.from(sealed).withSource(URI.create("/elsewhere")).build(),
                CloudEventBuilder.from(sealed).withSubject("order-8").build(),
                CloudEventBuilder.from(sealed).withType("order.refunded").build())) {
            assertThatThrownBy(() -> encryption.decrypt(changed)).isInstanceOf(UndecryptableException.class)
                    .hasMessageContaining("authentication failed");
        }
        assertThat(encryption.decrypt(CloudEventBuilder.from(sealed).withExtension("traceparent",
                "00-1af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01").build()).getData()).isNotNull();
    }

    @Test
    void aMalformedEnvelopeIsUndecryptable() {
        CloudEvent junk = CloudEventBuilder.from(event("j")).withDataContentType(PayloadEncryption.CONTENT_TYPE)
                .withData("not json".getBytes(StandardCharsets.UTF_8)).build();
        assertThatThrownBy(() -> encryption.decrypt(junk)).isInstanceOf(UndecryptableException.class)
                .hasMessageContaining("not JSON");
    }

    @Test
    void aDataKeyEncryptsAtMostMaxUsesEventsAndLivesAtMostMaxAge() {
        for (int i = 0; i < 3; i++) encryption.encrypt(event("u-" + i));
        assertThat(keys.made).as("one key for the first three").hasValue(1);
        encryption.encrypt(event("u-3"));
        assertThat(keys.made).as("a new one for the fourth").hasValue(2);
        clock.advance(Duration.ofMinutes(5));
        encryption.encrypt(event("u-4"));
        assertThat(keys.made).as("and once the key is five minutes old").hasValue(3);
    }

    @Test
    void unwrappedKeysAreCachedForMaxAge() {
        PayloadEncryption sender = new PayloadEncryption(LocalKeyring.of(entry), clock);
        CloudEvent a = sender.encrypt(event("c-1"));
        CloudEvent b = sender.encrypt(event("c-2"));
        encryption.decrypt(a);
        encryption.decrypt(b);
        assertThat(keys.unwrapped).as("one unwrap for two events under one data key").hasValue(1);
        clock.advance(Duration.ofMinutes(5));
        encryption.decrypt(a);
        assertThat(keys.unwrapped).as("unwrapped again once the cache entry is old").hasValue(2);
    }

    @Test
    void theCacheHoldsAtMostMaxCachedKeys() {
        List<CloudEvent> sealed = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            sealed.add(new PayloadEncryption(LocalKeyring.of(entry), clock).encrypt(event("m-" + i)));
        }
        sealed.forEach(encryption::decrypt);
        encryption.decrypt(sealed.get(0));
        assertThat(keys.unwrapped).as("the eldest of eleven fell out of a cache of ten").hasValue(12);
    }

    @Test
    void limitsAreChecked() {
        assertThatThrownBy(() -> new PayloadEncryption(keys, clock, Duration.ZERO, 1, 1))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("maxKeyAge");
        assertThatThrownBy(() -> new PayloadEncryption(keys, clock, Duration.ofMinutes(1), (1L << 32) + 1, 1))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("maxKeyUses");
    }

    @Test
    void keyMaterialIsInNoStringAndNoError() {
        String secret = entry.substring(entry.indexOf(':') + 1);
        DataKey k = LocalKeyring.of(entry).newDataKey();
        assertThat(LocalKeyring.of(entry).toString() + k + encryption).doesNotContain(secret).contains("k1");
        String shortKey = "k9:" + java.util.Base64.getEncoder().encodeToString(new byte[16]);
        assertThatThrownBy(() -> LocalKeyring.of(shortKey)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("'k9'").hasMessageNotContaining(shortKey.substring(3));
        assertThatThrownBy(() -> LocalKeyring.of("k8:%%%notbase64")).hasMessageNotContaining("notbase64");
    }

    @Test
    void theKeyringReadsTheEnvironmentAndPutsTheFirstKeyFirst() {
        String k2 = EncryptionConformance.newKey("k2");
        LocalKeyring ring = LocalKeyring.fromEnvironment(name -> name.equals("SLUICE_KEYRING") ? k2 + ",\n " + entry : null);
        assertThat(ring.primaryKeyId()).hasValue("k2");
        DataKey old = LocalKeyring.of(entry).newDataKey();
        assertThat(ring.unwrap("k1", old.wrapped())).isEqualTo(old.plaintext());
        assertThat(LocalKeyring.fromEnvironment(name -> null).primaryKeyId()).isEmpty();
    }

    /** Counts the calls a provider gets. */
    static final class Counting implements KeyProvider {
        private final KeyProvider inner;
        final AtomicInteger made = new AtomicInteger();
        final AtomicInteger unwrapped = new AtomicInteger();

        Counting(KeyProvider inner) {
            this.inner = inner;
        }

        @Override
        public Optional<String> primaryKeyId() {
            return inner.primaryKeyId();
        }

        @Override
        public DataKey newDataKey() {
            made.incrementAndGet();
            return inner.newDataKey();
        }

        @Override
        public byte[] unwrap(String keyId, byte[] wrapped) {
            unwrapped.incrementAndGet();
            return inner.unwrap(keyId, wrapped);
        }
    }
}
