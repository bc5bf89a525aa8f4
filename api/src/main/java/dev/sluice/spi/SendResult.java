package dev.sluice.spi;

/**
 * The broker's answer for one message of a batch: its message id, or the error it met.
 *
 * @param messageId the broker's id, null when the send failed
 * @param error     why it failed, null on success
 */
public record SendResult(String messageId, DriverError error) {

    public static SendResult ok(String messageId) {
        return new SendResult(messageId, null);
    }

    public static SendResult failed(DriverError error) {
        return new SendResult(null, error);
    }

    public boolean succeeded() {
        return error == null;
    }
}
