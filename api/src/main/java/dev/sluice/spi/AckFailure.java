package dev.sluice.spi;

/**
 * One message of an ack batch that the broker did not acknowledge.
 *
 * @param message the message
 * @param error   why
 */
public record AckFailure(InboundMessage message, DriverError error) {
}
