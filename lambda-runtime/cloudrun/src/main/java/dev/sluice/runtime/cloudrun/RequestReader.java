package dev.sluice.runtime.cloudrun;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.codec.CloudEventCodec;
import dev.sluice.codec.DecodeException;
import dev.sluice.spi.Capabilities;
import dev.sluice.spi.InboundMessage;
import io.cloudevents.CloudEvent;
import java.io.IOException;
import java.net.URI;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Tells the request formats apart and reads each into a message for the pipeline. In this order:
 * <ol>
 *   <li>Pub/Sub push without a wrapper ({@code x-goog-pubsub-message-id}): the body is the data, the other
 *       headers are the attributes (so a Sluice event's {@code ce-*} attributes arrive as headers);</li>
 *   <li>a CloudEvent in binary mode ({@code ce-specversion}); if it is Eventarc's
 *       {@value #MESSAGE_PUBLISHED}, the Pub/Sub message inside is the message;</li>
 *   <li>a CloudEvent in structured mode ({@code application/cloudevents+json}); Eventarc likewise;</li>
 *   <li>a wrapped Pub/Sub push request ({@code application/json} with {@code message}).</li>
 * </ol>
 * A request that fits none, or is malformed, is {@link Rejected} with 400 or 415. A CloudEvent sent directly
 * must be valid (400 otherwise: the sender can fix it); a Pub/Sub message inside a valid envelope that is
 * not a valid CloudEvent goes to the pipeline, which dead-letters it.
 */
final class RequestReader {
    static final String MESSAGE_PUBLISHED = "google.cloud.pubsub.topic.v1.messagePublished";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final CloudEventCodec CHECK = new CloudEventCodec(Capabilities.builder("HTTP").build());
    /** Request headers that are transport, not Pub/Sub attributes, in an unwrapped push. */
    private static final Set<String> TRANSPORT = Set.of("host", "user-agent", "authorization", "content-length",
            "accept", "accept-encoding", "connection", "forwarded", "from", "via", "traceparent", "tracestate",
            "x-cloud-trace-context", "transfer-encoding", "expect");

    private RequestReader() {
    }

    /** @param headers the request headers, names in lower case */
    static Received read(Map<String, String> headers, byte[] body) throws Rejected {
        String contentType = headers.getOrDefault("content-type", "").toLowerCase(Locale.ROOT);
        if (headers.containsKey("x-goog-pubsub-message-id")) return unwrappedPush(headers, body);
        if (headers.containsKey("ce-specversion")) return binary(headers, body);
        if (contentType.startsWith("application/cloudevents+json")) return structured(body);
        if (contentType.startsWith("application/json")) {
            JsonNode push = json(body, "Pub/Sub push request");
            OptionalInt attempt = PubSubMessages.attempt(push);
            return new Received(PubSubMessages.read(push.get("message"), attempt, "the push request"),
                    PubSubMessages.text(push, "subscription", "subscription"), "pubsub-push");
        }
        if (contentType.startsWith("application/cloudevents-batch+json")) {
            throw new Rejected(415, "batched CloudEvents (application/cloudevents-batch+json) are not accepted; send one event per request");
        }
        throw new Rejected(415, "content type '" + headers.get("content-type") + "' is not accepted: send a Pub/Sub push"
                + " request (application/json), a CloudEvent (ce-* headers, or application/cloudevents+json)");
    }

    private static Received unwrappedPush(Map<String, String> headers, byte[] body) {
        Map<String, String> attributes = new HashMap<>();
        headers.forEach((name, value) -> {
            if (!TRANSPORT.contains(name) && !name.startsWith("x-goog-") && !name.startsWith("x-forwarded-")) {
                attributes.put(name, value);
            }
        });
        String id = headers.get("x-goog-pubsub-message-id");
        String key = headers.get("x-goog-pubsub-ordering-key");
        InboundMessage m = new InboundMessage(id, body, attributes, key == null || key.isEmpty() ? null : key,
                OptionalInt.empty(), PubSubMessages.time(headers.get("x-goog-pubsub-publish-time")), id, headers);
        return new Received(m, headers.get("x-goog-pubsub-subscription-name"), "pubsub-push-unwrapped");
    }

    private static Received binary(Map<String, String> headers, byte[] body) throws Rejected {
        Map<String, String> attributes = new HashMap<>();
        headers.forEach((name, value) -> {
            if (name.startsWith("ce-")) attributes.put(name, value);
        });
        if (headers.containsKey("content-type")) attributes.put("content-type", headers.get("content-type"));
        String id = attributes.getOrDefault("ce-id", "");
        InboundMessage m = new InboundMessage(id, body, attributes, null, OptionalInt.empty(), null, id, null);
        CloudEvent event = check(m);
        if (MESSAGE_PUBLISHED.equals(event.getType())) return eventarc(json(body, "Eventarc event data"));
        return new Received(m, null, "cloudevent-binary");
    }

    private static Received structured(byte[] body) throws Rejected {
        InboundMessage m = new InboundMessage("structured", body,
                Map.of("content-type", "application/cloudevents+json"), null, OptionalInt.empty(), null, "structured", null);
        CloudEvent event = check(m);
        if (MESSAGE_PUBLISHED.equals(event.getType())) {
            JsonNode data = json(body, "structured CloudEvent").get("data");
            if (data == null || !data.isObject()) throw Rejected.badRequest("Eventarc event " + event.getId() + " has no JSON \"data\"");
            return eventarc(data);
        }
        InboundMessage withId = new InboundMessage(event.getId(), body, m.attributes(), null, OptionalInt.empty(), null,
                event.getId(), null);
        return new Received(withId, null, "cloudevent-structured");
    }

    /** Eventarc's messagePublished data: {@code {"message":{...},"subscription":"..."}}. */
    private static Received eventarc(JsonNode data) throws Rejected {
        return new Received(PubSubMessages.read(data.get("message"), PubSubMessages.attempt(data), "the Eventarc event data"),
                PubSubMessages.text(data, "subscription", "subscription"), "eventarc-pubsub");
    }

    private static CloudEvent check(InboundMessage m) throws Rejected {
        try {
            return CHECK.decode(m, URI.create("http:/"));
        } catch (DecodeException e) {
            throw Rejected.badRequest("the CloudEvent is invalid: " + e.getMessage());
        }
    }

    private static JsonNode json(byte[] body, String what) throws Rejected {
        try {
            JsonNode node = JSON.readTree(body);
            if (node == null || !node.isObject()) throw Rejected.badRequest("the " + what + " is not a JSON object");
            return node;
        } catch (JsonProcessingException e) {
            throw Rejected.badRequest("the " + what + " is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw Rejected.badRequest("the " + what + " cannot be read: " + e.getMessage());
        }
    }
}
