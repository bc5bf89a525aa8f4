package dev.sluice.crypto;

import dev.sluice.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * Data keys unwrapped by the provider, by key id and wrapped bytes: at most {@code maxEntries}, least recently
 * used out first, each for at most {@code maxAge}, so a message does not cost a key-service call. One unwrap per
 * key at a time: handlers that meet the same new key together wait for the first one's call.
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
        Entry mine = new Entry(new CompletableFuture<>(), now);
        Entry found;
        synchronized (this) {
            found = entries.get(id);
            if (found == null || !now.isBefore(found.made().plus(maxAge))) {
                entries.put(id, mine);
                found = null;
            }
        }
        if (found != null) {
            try {
                return found.key().join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof RuntimeException r) throw r;
                if (e.getCause() instanceof Error r) throw r;
                throw e;
            }
        }
        try {
            byte[] plain = keys.unwrap(keyId, wrapped);
            if (plain == null || plain.length != 32) throw new UndecryptableException("the data key is not 32 bytes");
            SecretKey key = new SecretKeySpec(plain, "AES");
            java.util.Arrays.fill(plain, (byte) 0);
            mine.key().complete(key);
            return key;
        } catch (RuntimeException | Error e) {
            synchronized (this) {
                entries.remove(id, mine);
            }
            mine.key().completeExceptionally(e);
            throw e;
        }
    }

    private record Entry(CompletableFuture<SecretKey> key, Instant made) {
    }
}
