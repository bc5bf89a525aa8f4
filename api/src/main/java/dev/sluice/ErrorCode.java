package dev.sluice;

/** The small, closed set of error classes every driver maps its provider's errors to. */
public enum ErrorCode {
    /** The queue, topic or subscription does not exist. */
    NOT_FOUND(false),
    /** The credentials lack a permission. */
    PERMISSION_DENIED(false),
    /** The broker refused the request as malformed or over a limit. */
    INVALID(false),
    /** The broker asks the caller to slow down. */
    THROTTLED(true),
    /** The broker could not be reached or failed transiently. */
    UNAVAILABLE(true),
    /** Anything else; treated as transient. */
    UNKNOWN(true);

    private final boolean retryable;

    ErrorCode(boolean retryable) {
        this.retryable = retryable;
    }

    /** Whether trying the same call again may succeed. */
    public boolean retryable() {
        return retryable;
    }
}
