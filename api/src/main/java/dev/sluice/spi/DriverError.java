package dev.sluice.spi;

import dev.sluice.ErrorCode;

/**
 * A broker error as a driver classifies it. Drivers do not retry; they classify and the portable
 * layer decides.
 *
 * @param code    the portable error class
 * @param message what the broker said, for the user
 * @param cause   the provider's exception, or null
 */
public record DriverError(ErrorCode code, String message, Throwable cause) {

    public DriverError(ErrorCode code, String message) {
        this(code, message, null);
    }

    /** Whether trying again may succeed. */
    public boolean retryable() {
        return code.retryable();
    }
}
