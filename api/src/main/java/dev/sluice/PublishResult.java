package dev.sluice;

/**
 * A published event.
 *
 * @param eventId   the CloudEvent id
 * @param messageId the id the broker gave the message
 */
public record PublishResult(String eventId, String messageId) {
}
