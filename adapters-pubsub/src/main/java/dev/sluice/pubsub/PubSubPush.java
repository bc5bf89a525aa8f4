package dev.sluice.pubsub;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.ConfigurationException;
import dev.sluice.spi.InboundMessage;
import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * A message Pub/Sub delivered by HTTP push, read from the request: the translation of Pub/Sub's push wire
 * forms into an {@link InboundMessage}, for an HTTP host (the Cloud Run host) that receives them. The forms:
 * <ul>
 *   <li>{@link #wrapped}: a push request, {@code {"message":{...},"subscription":"...","deliveryAttempt":n}};</li>
 *   <li>{@link #unwrapped}: a push subscription with payload unwrapping: the body is the data, the
 *       attributes are headers, {@code x-goog-pubsub-*} headers carry the message id, publish time,
 *       subscription and ordering key (write metadata on);</li>
 *   <li>{@link #messagePublished}: Eventarc's {@value #MESSAGE_PUBLISHED} CloudEvent, whose data is
 *       {@code {"message":{...},"subscription":"..."}}, in binary mode (the body is that data) or, with
 *       {@link #messagePublishedStructured}, in structured mode (the data inside the JSON event).</li>
 * </ul>
 * The message's {@link InboundMessage#attempt()} is Pub/Sub's {@code deliveryAttempt} where the request has it
 * (a subscription with a dead-letter policy), else absent (the pipeline then counts the failures it has seen).
 * Error messages name what is wrong, never a payload or attribute value, so they can be logged.
 *
 * @param message      the message, as the pipeline takes it
 * @param subscription the subscription that pushed it ({@code projects/P/subscriptions/S}), or null when the
 *                     request does not say
 */
public record PubSubPush(InboundMessage message, String subscription) {
    /** The {@code type} of Eventarc's CloudEvent for a message published to a topic. */
    public static final String MESSAGE_PUBLISHED = "google.cloud.pubsub.topic.v1.messagePublished";
    /** The header that marks an unwrapped push request (lower case). */
    public static final String MESSAGE_ID_HEADER = "x-goog-pubsub-message-id";

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Request headers that are HTTP transport, not Pub/Sub attributes, in an unwrapped push. */
    private static final Set<String> TRANSPORT = Set.of("host", "user-agent", "authorization", "content-length",
            "accept", "accept-encoding", "connection", "forwarded", "from", "via", "traceparent", "tracestate",
            "x-cloud-trace-context", "transfer-encoding", "expect", "te", "upgrade", "keep-alive", "proxy-authorization",
            "cookie");

    /** A push request that does not have the form it claims; the message says what is wrong, without payload. */
    public static final class MalformedPushException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedPushException(String message) {
            super(message, null, false, false);
        }
    }

    /** Whether a request with these headers (names in lower case) is an unwrapped push. */
    public static boolean isUnwrapped(Map<String, String> headers) {
        return headers.containsKey(MESSAGE_ID_HEADER);
    }

    /** Whether a CloudEvent of type {@code ceType} is Eventarc's message-published event. */
    public static boolean isMessagePublished(String ceType) {
        return MESSAGE_PUBLISHED.equals(ceType);
    }

    /** Reads a wrapped push request body ({@code application/json}). */
    public static PubSubPush wrapped(byte[] body) throws MalformedPushException {
        JsonNode push = object(body, "the push request");
        return new PubSubPush(message(push.get("message"), attempt(push), "the push request"),
                text(push, "subscription", "subscription"));
    }

    /**
     * Reads an unwrapped push request: the body is the message data; every header but HTTP transport ones,
     * {@code x-goog-*} and {@code x-forwarded-*} is an attribute.
     *
     * @param headers the request headers, names in lower case, one value each
     */
    public static PubSubPush unwrapped(Map<String, String> headers, byte[] body) throws MalformedPushException {
        String id = headers.get(MESSAGE_ID_HEADER);
        if (id == null || id.isEmpty()) throw new MalformedPushException("the unwrapped push has no " + MESSAGE_ID_HEADER);
        Map<String, String> attributes = new HashMap<>();
        Map<String, String> metadata = new HashMap<>();
        headers.forEach((name, value) -> {
            String n = name.toLowerCase(Locale.ROOT);
            if (n.startsWith("x-goog-pubsub-")) metadata.put(n, value);
            else if (!TRANSPORT.contains(n) && !n.startsWith("x-goog-") && !n.startsWith("x-forwarded-")) attributes.put(n, value);
        });
        String key = headers.get("x-goog-pubsub-ordering-key");
        InboundMessage m = new InboundMessage(id, body, attributes, key == null || key.isEmpty() ? null : key,
                OptionalInt.empty(), time(headers.get("x-goog-pubsub-publish-time")), id, Map.copyOf(metadata));
        return new PubSubPush(m, headers.get("x-goog-pubsub-subscription-name"));
    }

    /** Reads the data of an Eventarc {@value #MESSAGE_PUBLISHED} event in binary mode: the request body. */
    public static PubSubPush messagePublished(byte[] data) throws MalformedPushException {
        return eventarc(object(data, "Eventarc event data"));
    }

    /** Reads an Eventarc {@value #MESSAGE_PUBLISHED} event in structured mode: the whole JSON event. */
    public static PubSubPush messagePublishedStructured(byte[] event) throws MalformedPushException {
        JsonNode node = object(event, "structured Eventarc event");
        JsonNode data = node.get("data");
        if ((data == null || data.isNull()) && node.hasNonNull("data_base64")) {
            try {
                return messagePublished(Base64.getDecoder().decode(node.get("data_base64").asText()));
            } catch (IllegalArgumentException e) {
                throw new MalformedPushException("the structured Eventarc event's data_base64 is not valid base64");
            }
        }
        if (data == null || !data.isObject()) throw new MalformedPushException("the structured Eventarc event has no JSON object \"data\"");
        return eventarc(data);
    }

    /**
     * Whether {@code queue}, a {@code pubsub://projects/P/topics/T?subscription=S} URI, names the subscription
     * {@code subscription} (full {@code projects/P/subscriptions/S}, or the id alone). False for any other
     * URI, a URI that names no subscription, or one that is not valid.
     */
    public static boolean namesSubscription(URI queue, String subscription) {
        if (queue == null || subscription == null || subscription.isEmpty() || !"pubsub".equals(queue.getScheme())) return false;
        PubSubAddress address;
        try {
            address = PubSubAddress.parse(queue);
        } catch (ConfigurationException e) {
            return false;
        }
        if (address.subscription() == null) return false;
        return subscription.startsWith("projects/") ? address.subscriptionName().equals(subscription)
                : address.subscription().equals(subscription);
    }

    /** Eventarc's messagePublished data: {@code {"message":{...},"subscription":"..."}}. */
    private static PubSubPush eventarc(JsonNode data) throws MalformedPushException {
        return new PubSubPush(message(data.get("message"), attempt(data), "the Eventarc event data"),
                text(data, "subscription", "subscription"));
    }

    /**
     * The JSON form of a Pub/Sub message: {@code data} in base64, {@code attributes}, {@code messageId},
     * {@code publishTime}, {@code orderingKey}; the snake_case spellings Pub/Sub also sends are accepted.
     */
    private static InboundMessage message(JsonNode message, OptionalInt attempt, String where) throws MalformedPushException {
        if (message == null || !message.isObject()) throw new MalformedPushException(where + " has no \"message\" object");
        String id = text(message, "messageId", "message_id");
        if (id == null || id.isEmpty()) throw new MalformedPushException(where + ".message has no \"messageId\"");
        byte[] data;
        String encoded = text(message, "data", "data");
        try {
            data = encoded == null ? new byte[0] : Base64.getDecoder().decode(encoded);
        } catch (IllegalArgumentException e) {
            throw new MalformedPushException(where + ".message.data is not valid base64");
        }
        Map<String, String> attributes = new HashMap<>();
        JsonNode attrs = message.get("attributes");
        if (attrs != null && !attrs.isNull()) {
            if (!attrs.isObject()) throw new MalformedPushException(where + ".message.attributes is not an object");
            for (var e : attrs.properties()) {
                if (!e.getValue().isTextual()) {
                    throw new MalformedPushException(where + ".message.attributes has a value that is not a string");
                }
                attributes.put(e.getKey(), e.getValue().asText());
            }
        }
        String key = text(message, "orderingKey", "ordering_key");
        return new InboundMessage(id, data, attributes, key == null || key.isEmpty() ? null : key, attempt,
                time(text(message, "publishTime", "publish_time")), id, message);
    }

    /** Pub/Sub's {@code deliveryAttempt}: present only when the subscription has a dead-letter policy. */
    private static OptionalInt attempt(JsonNode node) {
        JsonNode a = node == null ? null : node.get("deliveryAttempt");
        return a != null && a.canConvertToInt() && a.asInt() > 0 ? OptionalInt.of(a.asInt()) : OptionalInt.empty();
    }

    private static Instant time(String text) {
        if (text == null) return null;
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String text(JsonNode node, String name, String alternative) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) v = node.get(alternative);
        return v == null || v.isNull() || !v.isValueNode() ? null : v.asText();
    }

    private static JsonNode object(byte[] body, String what) throws MalformedPushException {
        try {
            JsonNode node = JSON.readTree(body);
            if (node == null || !node.isObject()) throw new MalformedPushException(what + " is not a JSON object");
            return node;
        } catch (JsonProcessingException e) {
            // the location only: Jackson's message quotes the offending token, which is payload
            var at = e.getLocation();
            throw new MalformedPushException(what + " is not valid JSON"
                    + (at == null ? "" : " (at line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
        } catch (IOException e) {
            throw new MalformedPushException(what + " cannot be read");
        }
    }
}
