package dev.sluice;

/**
 * A configuration the broker cannot honour, or one that is wrong. Thrown at start-up, with a message that
 * names the setting, the broker and the limit, and says what to change.
 */
public class ConfigurationException extends SluiceException {
    private static final long serialVersionUID = 1L;

    public ConfigurationException(String message) {
        super(ErrorCode.INVALID, message);
    }

    public ConfigurationException(String message, Throwable cause) {
        super(ErrorCode.INVALID, message, cause);
    }
}
