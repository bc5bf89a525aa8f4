package dev.sluice.crypto;

import dev.sluice.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * Data keys unwrapped by the provider, by key id and wrapped bytes: at most {@code maxEntries}, least recently
 * used out first, each for at most {@code maxAge}, so a message does not cost a key-service call.
 */
final class UnwrappedKeyCache {
    private final KeyProvider keys;
    private final Scheduler clock;
    private final Duration maxAge;
    private final Map<String, Entry> entries;

    UnwrappedKeyCache(KeyProvider keys, Scheduler clock, Duration maxAge, int maxEntries) {
        this.keys = keys;
        this.clock = clock;
        this.maxAge = maxAge;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                return size() > maxEntries;
            }
        };
    }

    SecretKey get(String keyId, byte[] wrapped) {
        String id = keyId + ' ' + Base64.getEncoder().encodeToString(wrapped);
        Instant now = clock.now();
        synchronized (this) {
            Entry e = entries.get(id);
            if (e != null && now.isBefore(e.made().plus(maxAge))) return e.key();
        }
        byte[] plain = keys.unwrap(keyId, wrapped);
        if (plain == null || plain.length != 32) throw new UndecryptableException("the data key is not 32 bytes");
        SecretKey key = new SecretKeySpec(plain, "AES");
        java.util.Arrays.fill(plain, (byte) 0);
        synchronized (this) {
            entries.put(id, new Entry(key, now));
        }
        return key;
    }

    private record Entry(SecretKey key, Instant made) {
    }
}
