package dev.sluice;

import java.util.Objects;

/** A failure at the portable boundary, wrapped once, with its {@link ErrorCode}. */
public class SluiceException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final ErrorCode code;

    public SluiceException(ErrorCode code, String message) {
        this(code, message, null);
    }

    public SluiceException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    /** The error class. */
    public ErrorCode code() {
        return code;
    }
}
