package dev.sluice.runtime.oidc;

/**
 * A bearer token that does not verify. The message says why, for the log: it never holds the token.
 */
public final class InvalidTokenException extends Exception {
    private static final long serialVersionUID = 1L;
    private final boolean keysUnavailable;

    InvalidTokenException(String reason, boolean keysUnavailable) {
        super(reason, null, false, false);
        this.keysUnavailable = keysUnavailable;
    }

    InvalidTokenException(String reason) {
        this(reason, false);
    }

    /** True when the token could not be checked because no signing keys could be fetched (retry later). */
    public boolean keysUnavailable() {
        return keysUnavailable;
    }
}
