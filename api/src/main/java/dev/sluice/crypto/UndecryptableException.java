package dev.sluice.crypto;

import dev.sluice.ErrorCode;
import dev.sluice.SluiceException;
import java.util.Optional;

/**
 * An encrypted message that can never be decrypted: an unknown key, a tampered ciphertext or bound attribute
 * ({@code id}, {@code source}, {@code type}...), a malformed envelope. Such a message is dead-lettered with cause
 * {@code UNDECRYPTABLE} and never reaches a handler. The message says which, never with key or data bytes;
 * {@link #missingKeyId()} names the key when the reason is that it is not at hand.
 */
public class UndecryptableException extends SluiceException {
    private static final long serialVersionUID = 1L;

    private final String missingKeyId;

    public UndecryptableException(String message) {
        this(message, null);
    }

    /** {@code missingKeyId}: the key the data key is wrapped under, when the reason is that it is not at hand. */
    public UndecryptableException(String message, String missingKeyId) {
        super(ErrorCode.INVALID, message);
        this.missingKeyId = missingKeyId;
    }

    /** The event cannot be decrypted here because no key provider is configured. */
    public static UndecryptableException noKeyProvider(io.cloudevents.CloudEvent event) {
        String kid = PayloadEncryption.keyId(event).orElse(null);
        return new UndecryptableException("no key provider is configured here"
                + (kid == null ? "" : " (the data key is wrapped under key '" + kid + "')"), kid);
    }

    /**
     * The key the data key is wrapped under, when that key is what is missing (no key provider, or one that does
     * not have it); empty when the reason is another (tampering, a malformed envelope, a key service's refusal).
     */
    public Optional<String> missingKeyId() {
        return Optional.ofNullable(missingKeyId);
    }
}
