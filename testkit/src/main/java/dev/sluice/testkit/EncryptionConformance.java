package dev.sluice.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.DeadLetter;
import dev.sluice.DeadLetterReason;
import dev.sluice.PermanentFailureException;
import dev.sluice.QueueSpec;
import dev.sluice.core.DeadLetters;
import dev.sluice.core.Sluice;
import dev.sluice.crypto.DataKey;
import dev.sluice.crypto.KeyProvider;
import dev.sluice.crypto.LocalKeyring;
import dev.sluice.crypto.PayloadEncryption;
import dev.sluice.observe.SluiceEvent;
import dev.sluice.spi.InboundMessage;
import dev.sluice.worker.Worker;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Encrypted payloads on one broker, end to end with the {@link LocalKeyring}: the round trip (ciphertext on the
 * wire, plaintext in the handler), the tamper cases, key rotation and the redrive of an encrypted dead letter.
 * A broker's test calls each case with its {@link Harness}.
 */
public final class EncryptionConformance {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "4111-1111-1111-1111";

    /** How a broker's test gives the cases a Sluice and fresh queues. */
    public interface Harness {
        /** A queue URI on this broker, unused so far, named after {@code name}. */
        URI queue(String name);

        /** {@code builder} completed for this broker (environment, driver) and built. */
        Sluice sluice(Sluice.Builder builder);
    }

    private EncryptionConformance() {
    }

    /** A fresh keyring entry: {@code kid:base64key}. */
    public static String newKey(String kid) {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return kid + ":" + Base64.getEncoder().encodeToString(key);
    }

    static CloudEvent order(String id, String type) {
        return CloudEventBuilder.v1().withId(id).withSource(URI.create("/shop")).withType(type)
                .withDataContentType("application/json")
                .withData(("{\"card\":\"" + SECRET + "\",\"id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8))
                .build();
    }

    /** The broker carries ciphertext (type, source, id readable); the handler gets the data and its content type back. */
    public static void roundTrip(Harness h) throws Exception {
        URI q = h.queue("enc-round-trip");
        QueueSpec spec = QueueSpec.builder(q).lease(Duration.ofSeconds(30)).build();
        List<CloudEvent> handled = new CopyOnWriteArrayList<>();
        try (Sluice sluice = h.sluice(Sluice.builder().keyProvider(LocalKeyring.of(newKey("k1"))).encrypted(q.toString()))) {
            sluice.open(spec);
            sluice.publisher(q).publish(order("o-1", "order.placed")).get();

            InboundMessage raw = receiveOne(sluice, spec);
            String wire = new String(raw.body(), StandardCharsets.UTF_8) + raw.attributes();
            assertThat(wire).as("what the broker holds").doesNotContain(SECRET).contains("order.placed").contains("o-1");
            sluice.open(spec).driver().nack(raw, Duration.ZERO);

            try (Worker w = sluice.worker(spec).on("order.placed", (e, d) -> handled.add(e)).start()) {
                Await.until("the event handled", () -> handled.size() == 1);
            }
        }
        CloudEvent e = handled.get(0);
        assertThat(e.getId()).isEqualTo("o-1");
        assertThat(e.getDataContentType()).isEqualTo("application/json");
        assertThat(new String(e.getData().toBytes(), StandardCharsets.UTF_8)).contains(SECRET);
    }

    private static InboundMessage receiveOne(Sluice sluice, QueueSpec spec) throws InterruptedException {
        var driver = sluice.open(spec).driver();
        AtomicReference<InboundMessage> got = new AtomicReference<>();
        Await.until("the raw message received", () -> {
            try {
                driver.receive(1, Duration.ofSeconds(1)).stream().findFirst().ifPresent(got::set);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return got.get() != null;
        });
        return got.get();
    }

    /**
     * A flipped ciphertext bit, a swapped {@code type} and an unknown key id are each dead-lettered as
     * {@code UNDECRYPTABLE} with the reason; no handler runs; the dead letters keep the ciphertext.
     */
    public static void tamperedEventsAreDeadLetteredUnhandled(Harness h) throws Exception {
        URI q = h.queue("enc-tamper");
        QueueSpec spec = QueueSpec.builder(q).lease(Duration.ofSeconds(30)).build();
        LocalKeyring keys = LocalKeyring.of(newKey("k1"));
        Map<String, DeadLetterReason> reasons = new ConcurrentHashMap<>();
        AtomicInteger handled = new AtomicInteger();
        try (Sluice sluice = h.sluice(Sluice.builder().keyProvider(keys).listener(ev -> {
                    if (ev instanceof SluiceEvent.DeadLettered d) reasons.put(d.eventId(), d.reason());
                }));
             Worker w = sluice.worker(spec).on("order.placed", (e, d) -> handled.incrementAndGet())
                     .on("order.refunded", (e, d) -> handled.incrementAndGet()).start()) {
            PayloadEncryption ours = new PayloadEncryption(keys, sluice.scheduler());
            PayloadEncryption strangers = new PayloadEncryption(LocalKeyring.of(newKey("gone")), sluice.scheduler());
            // q is not marked encrypted here, so the publisher sends these envelopes as they are
            var publisher = sluice.publisher(q);
            publisher.publish(flipCiphertextBit(ours.encrypt(order("t-flipped", "order.placed")))).get();
            publisher.publish(CloudEventBuilder.from(ours.encrypt(order("t-type", "order.placed")))
                    .withType("order.refunded").build()).get();
            publisher.publish(strangers.encrypt(order("t-key", "order.placed"))).get();
            Await.until("three dead letters", () -> reasons.size() == 3);
            List<DeadLetter> dead = sluice.deadLetters(spec).peek(3);
            assertThat(dead).as("the dead letters keep the ciphertext").hasSize(3).allSatisfy(d -> {
                assertThat(d.event().getDataContentType()).isEqualTo(PayloadEncryption.CONTENT_TYPE);
                assertThat(new String(d.event().getData().toBytes(), StandardCharsets.UTF_8)).doesNotContain(SECRET);
            });
        }
        assertThat(handled).as("handler calls").hasValue(0);
        assertThat(reasons.values()).allSatisfy(r -> assertThat(r.cause()).isEqualTo(DeadLetterReason.Cause.UNDECRYPTABLE));
        assertThat(reasons.get("t-flipped").message()).contains("authentication failed").doesNotContain(SECRET);
        assertThat(reasons.get("t-type").message()).contains("authentication failed");
        assertThat(reasons.get("t-key").message()).contains("unknown key 'gone'");

    }

    private static CloudEvent flipCiphertextBit(CloudEvent encrypted) throws Exception {
        ObjectNode envelope = (ObjectNode) JSON.readTree(encrypted.getData().toBytes());
        byte[] ct = Base64.getDecoder().decode(envelope.get("ct").asText());
        ct[0] ^= 1;
        envelope.put("ct", Base64.getEncoder().encodeToString(ct));
        return CloudEventBuilder.from(encrypted).withData(JSON.writeValueAsBytes(envelope)).build();
    }

    /**
     * Rotation: with a new primary key in front, events under the old key still decrypt and new ones use the new
     * key; once the old key is removed, its events are dead-lettered as "unknown key".
     */
    public static void keyRotation(Harness h) throws Exception {
        URI q = h.queue("enc-rotation");
        QueueSpec spec = QueueSpec.builder(q).lease(Duration.ofSeconds(30)).build();
        String k1 = newKey("k1");
        String k2 = newKey("k2");
        LocalKeyring old = LocalKeyring.of(k1);
        Switchable keys = new Switchable(LocalKeyring.of(k2 + "," + k1));
        Map<String, String> handled = new ConcurrentHashMap<>();
        Map<String, DeadLetterReason> dead = new ConcurrentHashMap<>();
        try (Sluice sluice = h.sluice(Sluice.builder().keyProvider(keys).encrypted(q.toString()).listener(ev -> {
                    if (ev instanceof SluiceEvent.DeadLettered d) dead.put(d.eventId(), d.reason());
                }));
             Worker w = sluice.worker(spec).on("order.placed",
                     (e, d) -> handled.put(e.getId(), new String(e.getData().toBytes(), StandardCharsets.UTF_8))).start()) {
            var publisher = sluice.publisher(q);
            publisher.publish(new PayloadEncryption(old, sluice.scheduler()).encrypt(order("r-old", "order.placed"))).get();
            publisher.publish(order("r-new", "order.placed")).get();
            Await.until("both handled", () -> handled.size() == 2);

            keys.set(LocalKeyring.of(k2));
            publisher.publish(new PayloadEncryption(old, sluice.scheduler()).encrypt(order("r-orphan", "order.placed"))).get();
            publisher.publish(order("r-after", "order.placed")).get();
            Await.until("the orphan dead-lettered", () -> dead.containsKey("r-orphan"));
            Await.until("the new one handled", () -> handled.containsKey("r-after"));
        }
        assertThat(handled).containsOnlyKeys("r-old", "r-new", "r-after");
        assertThat(handled.get("r-old")).contains(SECRET);
        assertThat(keys.wrappedUnder).as("new data keys are wrapped under the new primary").containsOnly("k2");
        assertThat(dead.get("r-orphan").cause()).isEqualTo(DeadLetterReason.Cause.UNDECRYPTABLE);
        assertThat(dead.get("r-orphan").message()).contains("unknown key 'k1'");
    }

    /**
     * An encrypted dead letter stays ciphertext in the DLQ, and {@link Sluice#decrypt} (the key's holder) shows its data;
     * redriven, it is decrypted and handled.
     */
    public static void redriveOfAnEncryptedDeadLetter(Harness h) throws Exception {
        URI q = h.queue("enc-redrive");
        QueueSpec spec = QueueSpec.builder(q).lease(Duration.ofSeconds(30)).build();
        AtomicInteger calls = new AtomicInteger();
        List<String> handled = new CopyOnWriteArrayList<>();
        AtomicInteger deadLettered = new AtomicInteger();
        try (Sluice sluice = h.sluice(Sluice.builder().keyProvider(LocalKeyring.of(newKey("k1"))).encrypted(q.toString())
                .listener(ev -> {
                    if (ev instanceof SluiceEvent.DeadLettered) deadLettered.incrementAndGet();
                }));
             Worker w = sluice.worker(spec).on("order.placed", (e, d) -> {
                 if (calls.incrementAndGet() == 1) throw new PermanentFailureException("card declined");
                 handled.add(new String(e.getData().toBytes(), StandardCharsets.UTF_8));
             }).start()) {
            sluice.publisher(q).publish(order("d-1", "order.placed")).get();
            Await.until("dead-lettered", () -> deadLettered.get() == 1);

            DeadLetters dlq = sluice.deadLetters(spec);
            List<DeadLetter> letters = dlq.peek(1);
            assertThat(letters).hasSize(1);
            CloudEvent kept = letters.get(0).event();
            assertThat(kept.getDataContentType()).isEqualTo(PayloadEncryption.CONTENT_TYPE);
            assertThat(new String(kept.getData().toBytes(), StandardCharsets.UTF_8)).doesNotContain(SECRET);
            CloudEvent shown = sluice.decrypt(kept);
            assertThat(shown.getDataContentType()).as("what an operator with the key sees").isEqualTo("application/json");
            assertThat(new String(shown.getData().toBytes(), StandardCharsets.UTF_8)).contains(SECRET);

            assertThat(dlq.redriveAll().moved()).isEqualTo(1);
            Await.until("handled after the redrive", () -> handled.size() == 1);
        }
        assertThat(handled.get(0)).contains(SECRET);
    }

    /** A key provider whose keys a test replaces, recording the key each new data key is wrapped under. */
    static final class Switchable implements KeyProvider {
        private final AtomicReference<KeyProvider> current;
        final List<String> wrappedUnder = new CopyOnWriteArrayList<>();

        Switchable(KeyProvider first) {
            current = new AtomicReference<>(first);
        }

        void set(KeyProvider next) {
            current.set(next);
        }

        @Override
        public Optional<String> primaryKeyId() {
            return current.get().primaryKeyId();
        }

        @Override
        public DataKey newDataKey() {
            DataKey k = current.get().newDataKey();
            wrappedUnder.add(k.keyId());
            return k;
        }

        @Override
        public byte[] unwrap(String keyId, byte[] wrapped) {
            return current.get().unwrap(keyId, wrapped);
        }

        @Override
        public String toString() {
            return "Switchable" + current.get();
        }
    }

}
