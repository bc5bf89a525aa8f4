package dev.sluice.runtime.cloudrun;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.spi.InboundMessage;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Reads the JSON form of a Pub/Sub message (a push request's {@code message}, Eventarc's
 * {@code data.message}): {@code data} in base64, {@code attributes}, {@code messageId},
 * {@code publishTime}, {@code orderingKey}; the snake_case spellings Pub/Sub also sends are accepted.
 */
final class PubSubMessages {
    private PubSubMessages() {
    }

    static InboundMessage read(JsonNode message, OptionalInt attempt, String where) throws Rejected {
        if (message == null || !message.isObject()) {
            throw Rejected.badRequest(where + " has no \"message\" object");
        }
        String id = text(message, "messageId", "message_id");
        if (id == null || id.isEmpty()) throw Rejected.badRequest(where + ".message has no \"messageId\"");
        byte[] data;
        String encoded = text(message, "data", "data");
        try {
            data = encoded == null ? new byte[0] : Base64.getDecoder().decode(encoded);
        } catch (IllegalArgumentException e) {
            throw Rejected.badRequest(where + ".message.data of message " + id + " is not valid base64: " + e.getMessage());
        }
        Map<String, String> attributes = new HashMap<>();
        JsonNode attrs = message.get("attributes");
        if (attrs != null && !attrs.isNull()) {
            if (!attrs.isObject()) throw Rejected.badRequest(where + ".message.attributes of message " + id + " is not an object");
            for (var e : attrs.properties()) {
                if (!e.getValue().isTextual()) {
                    throw Rejected.badRequest(where + ".message.attributes." + e.getKey() + " of message " + id + " is not a string");
                }
                attributes.put(e.getKey(), e.getValue().asText());
            }
        }
        String key = text(message, "orderingKey", "ordering_key");
        return new InboundMessage(id, data, attributes, key == null || key.isEmpty() ? null : key, attempt,
                time(text(message, "publishTime", "publish_time")), id, message);
    }

    /** Pub/Sub's {@code deliveryAttempt}: present only when the subscription has a dead-letter policy. */
    static OptionalInt attempt(JsonNode node) {
        JsonNode a = node == null ? null : node.get("deliveryAttempt");
        return a != null && a.canConvertToInt() && a.asInt() > 0 ? OptionalInt.of(a.asInt()) : OptionalInt.empty();
    }

    static Instant time(String text) {
        if (text == null) return null;
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    static String text(JsonNode node, String name, String alternative) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) v = node.get(alternative);
        return v == null || v.isNull() ? null : v.asText();
    }
}
