package dev.sluice.codec;

/** A message that is not a valid CloudEvent in any mode Sluice reads. Its message names what is wrong. */
public class DecodeException extends Exception {
    private static final long serialVersionUID = 1L;

    public DecodeException(String message) {
        super(message);
    }

    public DecodeException(String message, Throwable cause) {
        super(message, cause);
    }
}
