package dev.sluice.crypto;

import dev.sluice.ConfigurationException;
import dev.sluice.Scheduler;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Envelope encryption of an event's data, the same on every broker and host. {@link #encrypt} replaces the data
 * with an envelope ({@link #CONTENT_TYPE}, compact JSON, no extra attribute):
 * <pre>{"v":1,"alg":"A256GCM","kid":"k2","key":"&lt;wrapped data key&gt;","iv":"&lt;12 bytes&gt;",
 * "cty":"application/json","ct":"&lt;ciphertext and 16-byte tag&gt;"}</pre>
 * (byte strings in base64). The data is encrypted with AES-256-GCM under a data key from the {@link KeyProvider},
 * wrapped under key {@code kid}; {@code cty} is the event's own {@code datacontenttype}, restored by
 * {@link #decrypt}. The associated data binds {@code specversion}, {@code id}, {@code source}, {@code type},
 * {@code subject} and {@code dataschema} (and {@code alg}, {@code kid}, {@code cty}), so changing any of them fails
 * decryption. Not bound: {@code time} (its text may be re-canonicalised on the way) and extensions (tracing
 * context is added per hop).
 *
 * <p>A data key encrypts at most {@code maxKeyUses} events and lives at most {@code maxKeyAge}; unwrapped keys are
 * cached for {@code maxKeyAge}, at most {@code maxCachedKeys} of them. Thread-safe.
 */
public final class PayloadEncryption {
    /** The {@code datacontenttype} of an encrypted event; its data is the envelope. */
    public static final String CONTENT_TYPE = "application/vnd.sluice.encrypted+json";
    /** The algorithm the envelope names. */
    static final String ALGORITHM = "A256GCM";
    static final int IV_BYTES = 12;
    /** One DRBG and one GCM cipher per thread: no lock shared by publishing threads, no provider lookup per event. */
    private static final ThreadLocal<SecureRandom> RANDOM = ThreadLocal.withInitial(PayloadEncryption::drbg);
    private static final ThreadLocal<Cipher> GCM = ThreadLocal.withInitial(PayloadEncryption::gcm);

    private final KeyProvider keys;
    private final DataKeyCache dataKeys;
    private final UnwrappedKeyCache unwrapped;

    /** With data keys of at most 5 minutes and 10,000 events, and up to 1,000 unwrapped keys cached. */
    public PayloadEncryption(KeyProvider keys, Scheduler clock) {
        this(keys, clock, Duration.ofMinutes(5), 10_000, 1_000);
    }

    public PayloadEncryption(KeyProvider keys, Scheduler clock, Duration maxKeyAge, long maxKeyUses, int maxCachedKeys) {
        this.keys = Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(clock, "clock");
        if (maxKeyAge.isNegative() || maxKeyAge.isZero()) {
            throw new ConfigurationException("maxKeyAge must be positive, was " + maxKeyAge);
        }
        if (maxKeyUses < 1 || maxKeyUses > (1L << 32)) {
            // NIST SP 800-38D: at most 2^32 random 96-bit IVs per key
            throw new ConfigurationException("maxKeyUses must be 1..2^32, was " + maxKeyUses);
        }
        if (maxCachedKeys < 0) throw new ConfigurationException("maxCachedKeys must be at least 0, was " + maxCachedKeys);
        this.dataKeys = new DataKeyCache(keys, clock, maxKeyAge, maxKeyUses);
        this.unwrapped = new UnwrappedKeyCache(keys, clock, maxKeyAge, maxCachedKeys);
    }

    /** The key provider. */
    public KeyProvider keys() {
        return keys;
    }

    /** Whether {@code event} carries an encrypted envelope. */
    public static boolean isEncrypted(CloudEvent event) {
        return event.getDataContentType() != null
                && event.getDataContentType().toLowerCase(java.util.Locale.ROOT).startsWith(CONTENT_TYPE);
    }

    /**
     * The id of the key {@code event}'s data key is wrapped under (the envelope's {@code kid}); empty when the event
     * is not encrypted or its envelope is malformed. Reads the envelope only: no key is needed.
     */
    public static Optional<String> keyId(CloudEvent event) {
        if (!isEncrypted(event)) return Optional.empty();
        try {
            return Optional.of(Envelope.parse(event.getData() == null ? new byte[0] : event.getData().toBytes()).kid());
        } catch (UndecryptableException malformed) {
            return Optional.empty();
        }
    }

    /**
     * The event with its data encrypted (the same id, type, source and extensions). An event already encrypted
     * (a dead letter published again, say) is returned as it is: data is never encrypted twice.
     */
    public CloudEvent encrypt(CloudEvent event) {
        if (isEncrypted(event)) return event;
        DataKeyCache.Lease key = dataKeys.next();
        byte[] iv = new byte[IV_BYTES];
        RANDOM.get().nextBytes(iv);
        Envelope header = new Envelope(ALGORITHM, key.keyId(), key.wrapped(), iv, event.getDataContentType(), null);
        byte[] plain = event.getData() == null ? new byte[0] : event.getData().toBytes();
        byte[] ct;
        try {
            ct = cipher(Cipher.ENCRYPT_MODE, key.key(), iv, Envelope.associatedData(event, header)).doFinal(plain);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JDK", e);
        }
        return CloudEventBuilder.from(event).withDataContentType(CONTENT_TYPE)
                .withData(header.withCiphertext(ct).toJson()).build();
    }

    /**
     * The event with its data decrypted and its own {@code datacontenttype} back. Throws
     * {@link UndecryptableException} when it never can be (the key is unknown, or something bound was changed),
     * and the key provider's exception when the key service failed.
     */
    public CloudEvent decrypt(CloudEvent event) {
        Envelope e = Envelope.parse(event.getData() == null ? new byte[0] : event.getData().toBytes());
        if (!ALGORITHM.equals(e.alg())) throw new UndecryptableException("unsupported algorithm '" + e.alg() + "'");
        SecretKey key = unwrapped.get(e.kid(), e.wrappedKey());
        byte[] plain;
        try {
            plain = cipher(Cipher.DECRYPT_MODE, key, e.iv(), Envelope.associatedData(event, e)).doFinal(e.ciphertext());
        } catch (AEADBadTagException x) {
            throw new UndecryptableException("authentication failed: the ciphertext, or an attribute bound to it"
                    + " (id, source, type, subject, dataschema), was changed");
        } catch (GeneralSecurityException x) {
            throw new IllegalStateException("AES-GCM is not available in this JDK", x);
        }
        CloudEventBuilder b = CloudEventBuilder.from(event).withoutData().withoutDataContentType();
        if (e.contentType() != null) b.withDataContentType(e.contentType());
        if (plain.length > 0) b.withData(plain);
        return b.build();
    }

    private static Cipher cipher(int mode, SecretKey key, byte[] iv, byte[] aad) throws GeneralSecurityException {
        Cipher c = GCM.get();
        c.init(mode, key, new GCMParameterSpec(128, iv));
        c.updateAAD(aad);
        return c;
    }

    private static SecureRandom drbg() {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (GeneralSecurityException e) {
            return new SecureRandom();
        }
    }

    private static Cipher gcm() {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JDK", e);
        }
    }

    @Override
    public String toString() {
        return "PayloadEncryption[" + keys + "]";
    }
}
