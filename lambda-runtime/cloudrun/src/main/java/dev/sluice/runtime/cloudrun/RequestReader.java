package dev.sluice.runtime.cloudrun;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.sluice.codec.DecodeException;
import dev.sluice.codec.HttpHeaderValues;
import dev.sluice.pubsub.PubSubPush;
import dev.sluice.pubsub.PubSubPush.MalformedPushException;
import dev.sluice.spi.InboundMessage;
import java.io.IOException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.UUID;

/**
 * Tells the request formats apart and reads each into a message for the pipeline, in this order:
 * <ol>
 *   <li>Pub/Sub push without a wrapper ({@code x-goog-pubsub-message-id}): read by the Pub/Sub adapter
 *       ({@link PubSubPush#unwrapped});</li>
 *   <li>a CloudEvent in binary mode ({@code ce-specversion}): the {@code ce-*} headers, percent-decoded, and
 *       {@code Content-Type} are the attributes, the body the data; Eventarc's
 *       {@value PubSubPush#MESSAGE_PUBLISHED} goes to the adapter ({@link PubSubPush#messagePublished});</li>
 *   <li>a CloudEvent in structured mode ({@code application/cloudevents+json}): the body as it is;
 *       Eventarc's likewise ({@link PubSubPush#messagePublishedStructured});</li>
 *   <li>a wrapped Pub/Sub push request ({@code application/json}): the adapter ({@link PubSubPush#wrapped}).</li>
 * </ol>
 * A CloudEvent sent directly is not decoded here: the pipeline decodes it, once, and dead-letters it when it is
 * not a valid CloudEvent, like any undecodable message. A request that fits no form is {@link Rejected} with 415;
 * a Pub/Sub envelope that is malformed, or a {@code ce-*} header that is not validly percent-encoded, with 400.
 */
final class RequestReader {
    private static final JsonFactory JSON = new JsonFactory();

    private RequestReader() {
    }

    /** @param headers the request headers, names in lower case */
    static Received read(Map<String, String> headers, byte[] body) throws Rejected {
        String contentType = headers.getOrDefault("content-type", "").toLowerCase(Locale.ROOT);
        try {
            if (PubSubPush.isUnwrapped(headers)) return from(PubSubPush.unwrapped(headers, body), "pubsub-push-unwrapped");
            if (headers.containsKey("ce-specversion")) {
                Map<String, String> attributes = binaryAttributes(headers);
                if (PubSubPush.isMessagePublished(attributes.get("ce-type"))) {
                    return from(PubSubPush.messagePublished(body), "eventarc-pubsub");
                }
                return new Received(message(attributes.get("ce-id"), body, attributes), null, "cloudevent-binary");
            }
            if (contentType.startsWith("application/cloudevents-batch+json")) {
                throw new Rejected(415, "batched CloudEvents (application/cloudevents-batch+json) are not accepted; send one event per request");
            }
            if (contentType.startsWith("application/cloudevents+json")) {
                String[] idAndType = idAndType(body);
                if (PubSubPush.isMessagePublished(idAndType[1])) {
                    return from(PubSubPush.messagePublishedStructured(body), "eventarc-pubsub");
                }
                return new Received(message(idAndType[0], body, Map.of("content-type", headers.get("content-type"))),
                        null, "cloudevent-structured");
            }
            if (contentType.startsWith("application/json")) return from(PubSubPush.wrapped(body), "pubsub-push");
        } catch (MalformedPushException e) {
            throw Rejected.badRequest(e.getMessage());
        }
        throw new Rejected(415, "content type '" + headers.get("content-type") + "' is not accepted: send a Pub/Sub push"
                + " request (application/json) or a CloudEvent (ce-* headers, or application/cloudevents+json)");
    }

    private static Received from(PubSubPush push, String format) {
        return new Received(push.message(), push.subscription(), format);
    }

    /**
     * A direct CloudEvent as the pipeline takes it. Its id (the event's, or a random one when it has none: the
     * pipeline dead-letters it at once) is the message id, by which the pipeline counts failed deliveries.
     */
    private static InboundMessage message(String eventId, byte[] body, Map<String, String> attributes) {
        String id = eventId == null || eventId.isEmpty() ? "no-id-" + UUID.randomUUID() : eventId;
        return new InboundMessage(id, body, attributes, null, OptionalInt.empty(), null, id, null);
    }

    private static Map<String, String> binaryAttributes(Map<String, String> headers) throws Rejected {
        Map<String, String> attributes = new HashMap<>();
        for (var h : headers.entrySet()) {
            if (!h.getKey().startsWith("ce-")) continue;
            String value = headerValue(h.getValue());
            if (value == null) throw Rejected.badRequest("header " + h.getKey() + " is not validly percent-encoded UTF-8");
            attributes.put(h.getKey(), value);
        }
        if (headers.containsKey("content-type")) attributes.put("content-type", headers.get("content-type"));
        return attributes;
    }

    /**
     * A {@code ce-*} header's value as the CloudEvents HTTP binding (3.1.3.2) reads it, through the codec's
     * one implementation; null when it is not valid.
     */
    static String headerValue(String raw) {
        try {
            return HttpHeaderValues.decodeHeaderValue(raw);
        } catch (DecodeException e) {
            return null;
        }
    }

    /**
     * The top-level {@code id} and {@code type} of a structured CloudEvent, read by streaming over the JSON
     * without decoding the event (nulls when absent or when the body is not JSON: the pipeline's decode says why).
     */
    static String[] idAndType(byte[] body) {
        String[] result = new String[2];
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) return result;
            while (p.nextToken() == JsonToken.FIELD_NAME && (result[0] == null || result[1] == null)) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (value == JsonToken.VALUE_STRING && name.equals("id")) result[0] = p.getText();
                else if (value == JsonToken.VALUE_STRING && name.equals("type")) result[1] = p.getText();
                else p.skipChildren();
            }
        } catch (IOException e) {
            // not JSON: left to the pipeline, which dead-letters it as undecodable
        }
        return result;
    }
}
