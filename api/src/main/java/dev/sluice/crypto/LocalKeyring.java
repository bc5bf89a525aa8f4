package dev.sluice.crypto;

import dev.sluice.ConfigurationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A {@link KeyProvider} holding its keys in memory, for development, tests and small deployments: AES-256 keys
 * written as {@code kid:base64key}, separated by commas or line breaks ({@value #ENVIRONMENT_VARIABLE}, or a file).
 * The first key is the primary: it wraps new data keys. The others still unwrap, so rotation is: put the new key
 * first, keep the old ones until their messages are gone, then remove them (their messages are then dead-lettered
 * as "unknown key"). A data key is wrapped with AES-256-GCM: 12 random IV bytes, then the ciphertext and tag, with
 * the key id as associated data. Make a key with {@code openssl rand -base64 32}.
 */
public final class LocalKeyring implements KeyProvider {
    /** The environment variable {@link #fromEnvironment()} reads. */
    public static final String ENVIRONMENT_VARIABLE = "SLUICE_KEYRING";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int IV_BYTES = 12;

    private final Map<String, SecretKey> keys;
    private final String primary;

    private LocalKeyring(Map<String, SecretKey> keys) {
        this.keys = keys;
        this.primary = keys.isEmpty() ? null : keys.keySet().iterator().next();
    }

    /** The keys in {@value #ENVIRONMENT_VARIABLE}; none (unwrap only, and nothing) when it is unset. */
    public static LocalKeyring fromEnvironment() {
        return fromEnvironment(System::getenv);
    }

    /** The keys in {@value #ENVIRONMENT_VARIABLE} of {@code environment}. */
    public static LocalKeyring fromEnvironment(Function<String, String> environment) {
        String value = environment.apply(ENVIRONMENT_VARIABLE);
        return parse(value == null ? "" : value, ENVIRONMENT_VARIABLE);
    }

    /** The keys in {@code file}. */
    public static LocalKeyring fromFile(Path file) {
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        } catch (IOException e) {
            throw new ConfigurationException("cannot read keyring " + file + ": " + e.getMessage(), e);
        }
    }

    /** The keys written as {@code kid:base64key,kid2:base64key}; the first is the primary. */
    public static LocalKeyring of(String keyring) {
        return parse(keyring, "the keyring");
    }

    private static LocalKeyring parse(String text, String where) {
        Map<String, SecretKey> keys = new LinkedHashMap<>();
        for (String entry : text.split("[,\\s]+")) {
            if (entry.isEmpty()) continue;
            int colon = entry.indexOf(':');
            if (colon <= 0) {
                throw new ConfigurationException("an entry of " + where + " is not kid:base64key");
            }
            String kid = entry.substring(0, colon);
            byte[] key;
            try {
                key = Base64.getDecoder().decode(entry.substring(colon + 1));
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException("key '" + kid + "' in " + where + " is not base64");
            }
            if (key.length != 32) {
                throw new ConfigurationException("key '" + kid + "' in " + where + " is " + key.length
                        + " bytes; AES-256 needs 32 (make one with: openssl rand -base64 32)");
            }
            if (keys.putIfAbsent(kid, new SecretKeySpec(key, "AES")) != null) {
                throw new ConfigurationException("key '" + kid + "' appears twice in " + where);
            }
        }
        return new LocalKeyring(java.util.Collections.unmodifiableMap(keys));
    }

    @Override
    public Optional<String> primaryKeyId() {
        return Optional.ofNullable(primary);
    }

    @Override
    public DataKey newDataKey() {
        if (primary == null) throw new ConfigurationException("the keyring has no key to wrap data keys with");
        byte[] dataKey = new byte[32];
        RANDOM.nextBytes(dataKey);
        byte[] iv = new byte[IV_BYTES];
        RANDOM.nextBytes(iv);
        try {
            Cipher c = cipher(Cipher.ENCRYPT_MODE, keys.get(primary), iv, primary);
            byte[] sealed = c.doFinal(dataKey);
            byte[] wrapped = Arrays.copyOf(iv, IV_BYTES + sealed.length);
            System.arraycopy(sealed, 0, wrapped, IV_BYTES, sealed.length);
            return new DataKey(primary, dataKey, wrapped);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JDK", e);
        }
    }

    @Override
    public byte[] unwrap(String keyId, byte[] wrapped) {
        SecretKey key = keys.get(keyId);
        if (key == null) throw new UndecryptableException("unknown key '" + keyId + "'", keyId);
        if (wrapped.length < IV_BYTES + 16 + 32) throw new UndecryptableException("the wrapped data key is too short");
        try {
            Cipher c = cipher(Cipher.DECRYPT_MODE, key, Arrays.copyOf(wrapped, IV_BYTES), keyId);
            return c.doFinal(wrapped, IV_BYTES, wrapped.length - IV_BYTES);
        } catch (AEADBadTagException e) {
            throw new UndecryptableException("the data key does not unwrap under key '" + keyId + "'");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JDK", e);
        }
    }

    private static Cipher cipher(int mode, SecretKey key, byte[] iv, String kid) throws GeneralSecurityException {
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(mode, key, new GCMParameterSpec(128, iv));
        c.updateAAD(kid.getBytes(StandardCharsets.UTF_8));
        return c;
    }

    /** The key ids, primary first; never the keys. */
    @Override
    public String toString() {
        return "LocalKeyring" + keys.keySet();
    }
}
