package dev.sluice;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Why a message is in the dead-letter queue. Travels with the dead letter as one attribute,
 * {@code sluice-dead-letter}, holding compact JSON (one attribute, so it fits SQS's ten), readable with any
 * broker console:
 * <pre>{"cause":"MAX_ATTEMPTS","exception":"java.io.IOException","message":"smtp down","attempts":4,
 * "queue":"sqs://emails","firstFailure":"2026-11-28T10:00:00Z","lastFailure":"2026-11-28T10:00:07Z"}</pre>
 *
 * @param cause        the kind of reason
 * @param exception    the class of the exception that failed the last attempt, or null
 * @param message      its message (shortened to fit the broker's attribute limit), or null
 * @param attempts     deliveries made, or null where the broker does not count
 * @param sourceQueue  the queue the message was taken from
 * @param firstFailure the first failure this process saw of the message (the last one when it saw no earlier)
 * @param lastFailure  the failure that dead-lettered it
 * @param orderingKey  the message's ordering key on the source queue, restored by a redrive (dead letters
 *                     themselves are stored unordered, so one cannot block the next), or null
 */
public record DeadLetterReason(
        Cause cause, String exception, String message, Integer attempts, String sourceQueue, Instant firstFailure,
        Instant lastFailure, String orderingKey) {

    /** The kinds of reason. */
    public enum Cause {
        /** Failed on its last allowed delivery attempt. */
        MAX_ATTEMPTS,
        /** The handler threw a {@link PermanentFailureException}, or the data did not bind to the handler's type. */
        PERMANENT_FAILURE,
        /** The message is not a valid CloudEvent. */
        UNDECODABLE,
        /** No handler is registered for the event's type. */
        UNKNOWN_TYPE,
        /**
         * The event is encrypted and can never be decrypted here: an unknown key, a changed ciphertext or bound
         * attribute ({@code type}, {@code id}...), or no key provider. The dead letter keeps the ciphertext.
         */
        UNDECRYPTABLE
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    public DeadLetterReason {
        Objects.requireNonNull(cause, "cause");
        Objects.requireNonNull(sourceQueue, "sourceQueue");
        Objects.requireNonNull(lastFailure, "lastFailure");
        firstFailure = firstFailure == null ? lastFailure : firstFailure;
    }

    /** The compact JSON form, with the exception message shortened so the whole fits {@code maxBytes}. */
    public String toAttribute(int maxBytes) {
        String json = write(message);
        if (message == null || utf8(json) <= maxBytes) return json;
        int lo = 0;
        int hi = message.length();
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (utf8(write(message.substring(0, mid) + "...")) <= maxBytes) lo = mid;
            else hi = mid - 1;
        }
        return write(message.substring(0, lo) + "...");
    }

    private static int utf8(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }

    /** Parses the attribute, if it is one. */
    public static Optional<DeadLetterReason> fromAttribute(String value) {
        if (value == null) return Optional.empty();
        try {
            JsonNode n = JSON.readTree(value);
            return Optional.of(new DeadLetterReason(
                    Cause.valueOf(n.path("cause").asText()),
                    text(n, "exception"), text(n, "message"),
                    n.hasNonNull("attempts") ? n.get("attempts").asInt() : null,
                    n.path("queue").asText(),
                    n.hasNonNull("firstFailure") ? Instant.parse(n.get("firstFailure").asText()) : null,
                    Instant.parse(n.path("lastFailure").asText()),
                    text(n, "orderingKey")));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** This reason for a message that had {@code key} as its ordering key. */
    public DeadLetterReason withOrderingKey(String key) {
        return new DeadLetterReason(cause, exception, message, attempts, sourceQueue, firstFailure, lastFailure, key);
    }

    /** One line for logs and tables. */
    public String summary() {
        StringBuilder s = new StringBuilder(cause.name());
        if (attempts != null) s.append(" after ").append(attempts).append(attempts == 1 ? " attempt" : " attempts");
        if (exception != null) s.append(": ").append(exception);
        if (message != null) s.append(": ").append(message);
        return s.toString();
    }

    private String write(String msg) {
        ObjectNode n = JSON.createObjectNode();
        n.put("cause", cause.name());
        if (exception != null) n.put("exception", exception);
        if (msg != null) n.put("message", msg);
        if (attempts != null) n.put("attempts", attempts);
        n.put("queue", sourceQueue);
        n.put("firstFailure", firstFailure.toString());
        n.put("lastFailure", lastFailure.toString());
        if (orderingKey != null) n.put("orderingKey", orderingKey);
        return n.toString();
    }

    private static String text(JsonNode n, String field) {
        return n.hasNonNull(field) ? n.get(field).asText() : null;
    }
}
