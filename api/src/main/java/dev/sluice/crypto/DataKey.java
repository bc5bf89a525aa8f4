package dev.sluice.crypto;

import java.util.Objects;

/**
 * A data key from {@link KeyProvider#newDataKey()}.
 *
 * @param keyId     the id of the key it is wrapped under, as the provider names it (carried with each message)
 * @param plaintext the 32 bytes that encrypt data; never logged, never sent
 * @param wrapped   the data key encrypted under {@code keyId}; travels with each message
 */
public record DataKey(String keyId, byte[] plaintext, byte[] wrapped) {
    public DataKey {
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(wrapped, "wrapped");
        if (plaintext == null || plaintext.length != 32) {
            throw new IllegalArgumentException("a data key is 32 bytes (AES-256)");
        }
    }

    /** Names the key it is wrapped under; never the key itself. */
    @Override
    public String toString() {
        return "DataKey[keyId=" + keyId + "]";
    }
}
