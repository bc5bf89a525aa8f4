package dev.sluice.crypto;

import java.util.Optional;

/**
 * SPI: a key service that makes and unwraps data keys (envelope encryption). Sluice asks it for a fresh data key
 * now and then (bounded by age and use count) and to unwrap the data key of a message it has not seen the key of;
 * the key it wraps under never leaves it. Implementations: {@link LocalKeyring} (keys from a file or the
 * environment), {@code AwsKmsKeyProvider} in {@code sluice-kms-aws}, {@code GcpKmsKeyProvider} in
 * {@code sluice-kms-gcp}. Thread-safe.
 *
 * <p>Failures: a data key that can never be unwrapped (an unknown key id, a wrapped key that is not one, a key
 * the service refuses for good) throws {@link UndecryptableException}, and the message is dead-lettered; anything
 * else (the service unreachable, throttling) throws a {@link dev.sluice.SluiceException} with a retryable code,
 * and the message is retried by the queue's policy. Messages never contain key material.
 */
public interface KeyProvider {

    /** The id of the key new data keys are wrapped under; empty when this provider can only unwrap. */
    Optional<String> primaryKeyId();

    /** A fresh 256-bit data key: its plaintext, and the same wrapped under the primary key. */
    DataKey newDataKey();

    /** The plaintext of the data key {@code wrapped} under key {@code keyId}. */
    byte[] unwrap(String keyId, byte[] wrapped);
}
