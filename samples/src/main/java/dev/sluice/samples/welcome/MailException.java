package dev.sluice.samples.welcome;

/** The mail server did not take a message (a 4xx or 5xx reply). Thrown out of a handler, it means "retry". */
public class MailException extends Exception {
    private static final long serialVersionUID = 1L;

    public MailException(String message) {
        super(message);
    }
}
