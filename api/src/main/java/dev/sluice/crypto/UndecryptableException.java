package dev.sluice.crypto;

import dev.sluice.ErrorCode;
import dev.sluice.SluiceException;

/**
 * An encrypted message that can never be decrypted: an unknown key, a tampered ciphertext or bound attribute
 * ({@code id}, {@code source}, {@code type}...), a malformed envelope. Such a message is dead-lettered with cause
 * {@code UNDECRYPTABLE} and never reaches a handler. The message says which, never with key or data bytes.
 */
public class UndecryptableException extends SluiceException {
    private static final long serialVersionUID = 1L;

    public UndecryptableException(String message) {
        super(ErrorCode.INVALID, message);
    }
}
