package dev.sluice;

/**
 * Thrown by a handler for a message that will never succeed (a bad payload, a rule it breaks): the message
 * goes to the dead-letter queue at once, with this exception's class and message as the reason, instead of
 * being retried.
 */
public class PermanentFailureException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public PermanentFailureException(String message) {
        super(message);
    }

    public PermanentFailureException(String message, Throwable cause) {
        super(message, cause);
    }
}
