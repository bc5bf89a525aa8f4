package dev.sluice;

import io.cloudevents.CloudEvent;
import java.util.Map;
import java.util.Optional;

/**
 * A message in a dead-letter queue, as {@code DeadLetters.peek} shows it.
 *
 * @param messageId  the DLQ message id
 * @param event      the event, or null when the message is not a valid CloudEvent ({@link #decodeError()} says why)
 * @param reason     why it was dead-lettered; absent when the broker moved it by its own redrive policy
 *                   (for instance after a worker crashed on it)
 * @param attributes the message's attributes as stored
 * @param body       the message's body as stored
 * @param decodeError why {@link #event()} is null, or null
 */
public record DeadLetter(String messageId, CloudEvent event, Optional<DeadLetterReason> reason,
                         Map<String, String> attributes, byte[] body, String decodeError) {
}
