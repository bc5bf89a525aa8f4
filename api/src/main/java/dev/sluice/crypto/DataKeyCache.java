package dev.sluice.crypto;

import dev.sluice.Scheduler;
import java.time.Duration;
import java.time.Instant;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/** The data key new events are encrypted under: fresh from the provider once it is too old or used too often. */
final class DataKeyCache {
    private final KeyProvider keys;
    private final Scheduler clock;
    private final Duration maxAge;
    private final long maxUses;
    private Lease current;
    private Instant made;
    private long uses;

    DataKeyCache(KeyProvider keys, Scheduler clock, Duration maxAge, long maxUses) {
        this.keys = keys;
        this.clock = clock;
        this.maxAge = maxAge;
        this.maxUses = maxUses;
    }

    /** A data key to encrypt one event with. */
    synchronized Lease next() {
        Instant now = clock.now();
        if (current == null || uses >= maxUses || !now.isBefore(made.plus(maxAge))) {
            DataKey k = keys.newDataKey();
            current = new Lease(k.keyId(), new SecretKeySpec(k.plaintext(), "AES"), k.wrapped().clone());
            java.util.Arrays.fill(k.plaintext(), (byte) 0);
            made = now;
            uses = 0;
        }
        uses++;
        return current;
    }

    /** One data key: the key id it is wrapped under, the key, the wrapped key. */
    record Lease(String keyId, SecretKey key, byte[] wrapped) {
        @Override
        public String toString() {
            return "Lease[" + keyId + "]";
        }
    }
}
