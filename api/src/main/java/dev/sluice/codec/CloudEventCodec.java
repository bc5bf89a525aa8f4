package dev.sluice.codec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.PublishOptions;
import dev.sluice.spi.Capabilities;
import dev.sluice.spi.InboundMessage;
import dev.sluice.spi.OutboundMessage;
import dev.sluice.spi.WireSizes;
import io.cloudevents.CloudEvent;
import io.cloudevents.SpecVersion;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.format.EventDeserializationException;
import io.cloudevents.jackson.JsonFormat;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CloudEvent &lt;-&gt; wire message, for every broker. Writes binary mode (a {@code ce-} attribute per
 * CloudEvents attribute, {@code content-type} for {@code datacontenttype}, the data as the body, byte for
 * byte) and falls back to structured JSON mode ({@code application/cloudevents+json}, data in
 * {@code data_base64} so it survives exactly) when binary mode cannot carry the event on this broker:
 * too many attributes, a value too long, an extension whose type only JSON keeps, or data a broker whose
 * body must be text cannot carry (binary, empty, or with control characters).
 *
 * <p>Reads both modes, and wraps a message that is not a CloudEvent at all (no {@code ce-} attributes,
 * not a structured body) into one: {@code id} is the broker's message id, {@code source} the queue's identity
 * (its URI without query or fragment: {@code sqs://jobs}, never the endpoint or region it was reached by),
 * {@code type} the {@value #TYPE_ATTRIBUTE} attribute or else {@value #FOREIGN_TYPE}, {@code time} the
 * publish time, {@code datacontenttype} the {@code content-type} attribute if it is a media type; the other
 * attributes whose names are legal extension names become extensions, except those named like a CloudEvents
 * core attribute or {@code data} (a foreign {@code type} attribute must not become the type on re-publish).
 *
 * <p>Both modes, and every event before it is encoded, go through one check of the CloudEvents 1.0
 * attribute rules ({@link EventValidation}): required {@code id}, {@code source}, {@code specversion} 1.0
 * and {@code type}; a non-empty {@code subject}, an absolute {@code dataschema}, an RFC 2046
 * {@code datacontenttype} and a strictly RFC 3339 {@code time} when present; extension names of 1 to 20
 * lower-case letters or digits that are not reserved.
 *
 * <p>Round trips: every CloudEvents 1.0 attribute, and string, integer and boolean extensions, come back
 * equal. URI, timestamp and binary extensions come back as their canonical strings, as the CloudEvents
 * bindings specify.
 */
public final class CloudEventCodec {
    /** The {@code type} of a wrapped message that is not a CloudEvent and names no type of its own. */
    public static final String FOREIGN_TYPE = "dev.sluice.foreign";
    /** An attribute a producer that cannot write CloudEvents sets to choose the wrapped event's type. */
    public static final String TYPE_ATTRIBUTE = "sluice-type";
    /** The attribute that carries a dead letter's reason (see {@code DeadLetterReason}). */
    public static final String DEAD_LETTER_ATTRIBUTE = "sluice-dead-letter";
    /** Attribute slots binary mode leaves free, so a dead letter can carry its reason. */
    static final int RESERVED_ATTRIBUTES = 1;
    static final String STRUCTURED_CONTENT_TYPE = "application/cloudevents+json; charset=UTF-8";

    private static final JsonFormat JSON = new JsonFormat().withForceJsonDataToBase64();
    private static final ObjectMapper TREE = new ObjectMapper();
    private static final Logger log = LoggerFactory.getLogger(CloudEventCodec.class);

    private final Capabilities limits;

    public CloudEventCodec(Capabilities limits) {
        this.limits = limits;
    }

    /**
     * Encodes an event for this broker. Checks the event first and fails with a {@link dev.sluice.SluiceException}
     * naming the event id and the attribute that is missing or invalid; size limits are checked by the caller.
     */
    public OutboundMessage encode(CloudEvent event, PublishOptions options) {
        EventValidation.check(event);
        Map<String, String> attributes = binaryAttributes(event);
        byte[] data = event.getData() == null ? new byte[0] : event.getData().toBytes();
        if (fitsBinaryMode(event, attributes, data)) {
            return new OutboundMessage(event.getId(), data, attributes, options.orderingKey(),
                    options.deduplicationId(), options.delay());
        }
        byte[] body = JSON.serialize(event);
        return new OutboundMessage(event.getId(), body, Map.of(Attributes.CONTENT_TYPE, STRUCTURED_CONTENT_TYPE),
                options.orderingKey(), options.deduplicationId(), options.delay());
    }

    /**
     * Decodes a received message. A message that claims to be a CloudEvent but is not a valid one (a missing
     * {@code ce-id}, a {@code ce-time} that is not RFC 3339, an unknown {@code specversion}, an empty
     * {@code subject}, broken JSON...) fails with a {@link DecodeException} naming the attribute and what is
     * wrong with it; it is not wrapped as foreign.
     *
     * @param queue the queue it came from, the {@code source} of a wrapped foreign message
     */
    public CloudEvent decode(InboundMessage message, URI queue) throws DecodeException {
        Map<String, String> attributes = message.attributes();
        String contentType = attributes.get(Attributes.CONTENT_TYPE);
        if (attributes.containsKey(Attributes.SPECVERSION)) {
            return BinaryReader.read(attributes, message.body());
        }
        if (contentType != null && contentType.toLowerCase(java.util.Locale.ROOT).startsWith("application/cloudevents+json")) {
            return readStructured(message.body());
        }
        String stray = attributes.keySet().stream().filter(k -> k.startsWith(Attributes.PREFIX)).findFirst().orElse(null);
        if (stray != null) {
            throw new DecodeException("attribute '" + stray + "' is present but 'ce-specversion' is missing:"
                    + " a binary-mode CloudEvent needs ce-specversion, ce-id, ce-source and ce-type");
        }
        if (contentType == null && looksStructured(message.body())) {
            return readStructured(message.body());
        }
        return wrapForeign(message, queue);
    }

    private Map<String, String> binaryAttributes(CloudEvent event) {
        Map<String, String> a = new HashMap<>();
        a.put(Attributes.SPECVERSION, event.getSpecVersion().toString());
        a.put(Attributes.ID, event.getId());
        a.put(Attributes.SOURCE, event.getSource().toString());
        a.put(Attributes.TYPE, event.getType());
        if (event.getSubject() != null) a.put(Attributes.SUBJECT, event.getSubject());
        if (event.getTime() != null) a.put(Attributes.TIME, Attributes.canonical(event.getTime()));
        if (event.getDataSchema() != null) a.put(Attributes.DATASCHEMA, event.getDataSchema().toString());
        if (event.getDataContentType() != null) a.put(Attributes.CONTENT_TYPE, event.getDataContentType());
        for (String name : event.getExtensionNames()) {
            a.put(Attributes.PREFIX + name, Attributes.canonical(event.getExtension(name)));
        }
        return a;
    }

    private boolean fitsBinaryMode(CloudEvent event, Map<String, String> attributes, byte[] data) {
        if (attributes.size() > limits.maxAttributes() - RESERVED_ATTRIBUTES) return false;
        if (event.getSpecVersion() != SpecVersion.V1) return false;
        for (String name : event.getExtensionNames()) {
            if (!(event.getExtension(name) instanceof String)) return false;
        }
        for (var e : attributes.entrySet()) {
            if (WireSizes.utf8(e.getKey()) > limits.maxAttributeKeyBytes()
                    || WireSizes.utf8(e.getValue()) > limits.maxAttributeValueBytes()) {
                return false;
            }
        }
        return !limits.textBodyOnly() || isText(data);
    }

    /**
     * Reads structured mode. The attributes are checked on the JSON members as written, before the SDK
     * parses them (it reads {@code time} leniently, with {@link OffsetDateTime#parse}).
     */
    private static CloudEvent readStructured(byte[] body) throws DecodeException {
        JsonNode tree;
        try {
            tree = TREE.readTree(body);
        } catch (java.io.IOException e) {
            throw new DecodeException("structured CloudEvent is invalid: " + rootMessage(e), e);
        }
        if (tree == null || !tree.isObject()) {
            throw new DecodeException("structured CloudEvent is invalid: the body is not a JSON object");
        }
        Map<String, String> core = new HashMap<>();
        Map<String, String> extensions = new LinkedHashMap<>();
        for (var it = tree.fields(); it.hasNext(); ) {
            var member = it.next();
            String name = member.getKey();
            JsonNode value = member.getValue();
            if (name.equals("data") || name.equals("data_base64")) continue;
            if (isCoreName(name)) {
                if (!value.isTextual()) {
                    throw new DecodeException("attribute '" + name + "' must be a JSON string, not "
                            + value.getNodeType().toString().toLowerCase(java.util.Locale.ROOT));
                }
                core.put(name, value.textValue());
            } else {
                extensions.put(name, value.isTextual() ? value.textValue() : null);
                if (!(value.isTextual() || value.isBoolean() || value.isInt())) {
                    throw new DecodeException("extension '" + name + "' must be a JSON string, boolean or 32-bit"
                            + " integer (the CloudEvents type system), not " + value.getNodeType().toString().toLowerCase(java.util.Locale.ROOT));
                }
            }
        }
        String problem = EventValidation.problem(core, extensions, EventValidation.Source.STRUCTURED);
        if (problem != null) throw new DecodeException(problem);
        try {
            return JSON.deserialize(body);
        } catch (EventDeserializationException | IllegalStateException | IllegalArgumentException e) {
            throw new DecodeException("structured CloudEvent is invalid: " + rootMessage(e), e);
        }
    }

    private static boolean isCoreName(String name) {
        return switch (name) {
            case EventValidation.SPECVERSION, EventValidation.ID, EventValidation.SOURCE, EventValidation.TYPE,
                    EventValidation.SUBJECT, EventValidation.TIME, EventValidation.DATASCHEMA,
                    EventValidation.DATACONTENTTYPE -> true;
            default -> false;
        };
    }

    /**
     * Whether a body without a content type is a structured CloudEvent: a JSON object with top-level
     * {@code specversion} and {@code type} members. Most such bodies are foreign JSON, so the top-level member
     * names are read with the streaming parser first (values skipped, no tree built); only a body that has both
     * names is then parsed as a tree, which also rejects JSON broken after them.
     */
    private static boolean looksStructured(byte[] body) {
        int i = 0;
        while (i < body.length && Character.isWhitespace(body[i])) i++;
        if (i >= body.length || body[i] != '{') return false;
        if (!hasTopLevelSpecversionAndType(body)) return false;
        try {
            JsonNode node = TREE.readTree(body);
            return node.isObject() && node.has("specversion") && node.has("type");
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static boolean hasTopLevelSpecversionAndType(byte[] body) {
        boolean specversion = false;
        boolean type = false;
        try (JsonParser parser = TREE.getFactory().createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) return false;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                if (name.equals("specversion")) specversion = true;
                else if (name.equals("type")) type = true;
                if (specversion && type) return true;
                parser.nextToken();
                parser.skipChildren();
            }
            return false;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static CloudEvent wrapForeign(InboundMessage message, URI queue) {
        Map<String, String> attributes = message.attributes();
        String type = attributes.get(TYPE_ATTRIBUTE);
        CloudEventBuilder b = CloudEventBuilder.v1()
                .withId(message.messageId())
                .withSource(queueIdentity(queue))
                .withType(type == null || type.isEmpty() ? FOREIGN_TYPE : type);
        if (message.publishTime() != null) b.withTime(message.publishTime().atOffset(ZoneOffset.UTC));
        String contentType = attributes.get(Attributes.CONTENT_TYPE);
        if (contentType != null) {
            if (EventValidation.isMediaType(contentType)) {
                b.withDataContentType(contentType);
            } else {
                log.debug("message {}: attribute '{}' is not an RFC 2046 media type; the wrapped event has no"
                        + " datacontenttype", message.messageId(), Attributes.CONTENT_TYPE);
            }
        }
        for (var e : attributes.entrySet()) {
            String name = e.getKey();
            if (!Attributes.isLegalExtensionName(name)) continue;
            if (Attributes.isReservedName(name)) {
                log.debug("message {}: attribute '{}' has a name CloudEvents reserves; dropped, not"
                        + " made an extension", message.messageId(), name);
                continue;
            }
            b.withExtension(name, e.getValue());
        }
        if (message.body().length > 0) b.withData(message.body());
        return b.build();
    }

    /**
     * The source of a wrapped foreign message: the queue URI without its query and fragment, which say how
     * to reach the queue (endpoint, region, subscription), not which queue it is; so the same queue has the
     * same source in development and production.
     */
    static URI queueIdentity(URI queue) {
        String s = queue.toString();
        int cut = s.length();
        for (char c : new char[] {'?', '#'}) {
            int i = s.indexOf(c);
            if (i >= 0 && i < cut) cut = i;
        }
        return cut == s.length() ? queue : URI.create(s.substring(0, cut));
    }

    /**
     * Whether a text-only broker (SQS) carries {@code data} as it is: not empty, valid UTF-8, and only the
     * characters XML 1.0 allows (no control characters other than tab, line feed and carriage return).
     */
    static boolean isText(byte[] data) {
        if (data.length == 0) return false;
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(data)).toString();
        } catch (CharacterCodingException e) {
            return false;
        }
        return text.codePoints().allMatch(c -> c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF)
                || (c >= 0xE000 && c <= 0xFFFD) || c >= 0x10000);
    }

    static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    /** Reads binary mode: one attribute per CloudEvents attribute. */
    static final class BinaryReader {
        private BinaryReader() {
        }

        static CloudEvent read(Map<String, String> attributes, byte[] body) throws DecodeException {
            Map<String, String> core = new HashMap<>();
            Map<String, String> extensions = new LinkedHashMap<>();
            for (var e : attributes.entrySet()) {
                String key = e.getKey();
                if (key.equals(Attributes.CONTENT_TYPE)) {
                    core.put(EventValidation.DATACONTENTTYPE, e.getValue());
                } else if (Attributes.isCoreAttribute(key)) {
                    core.put(key.substring(Attributes.PREFIX.length()), e.getValue());
                } else if (key.startsWith(Attributes.PREFIX)) {
                    extensions.put(key.substring(Attributes.PREFIX.length()), e.getValue());
                }
            }
            String problem = EventValidation.problem(core, extensions, EventValidation.Source.BINARY);
            if (problem != null) throw new DecodeException(problem);

            CloudEventBuilder b = CloudEventBuilder.v1()
                    .withId(core.get(EventValidation.ID))
                    .withSource(URI.create(core.get(EventValidation.SOURCE)))
                    .withType(core.get(EventValidation.TYPE));
            String subject = core.get(EventValidation.SUBJECT);
            if (subject != null) b.withSubject(subject);
            String time = core.get(EventValidation.TIME);
            if (time != null) b.withTime(OffsetDateTime.parse(time));
            String schema = core.get(EventValidation.DATASCHEMA);
            if (schema != null) b.withDataSchema(URI.create(schema));
            String contentType = core.get(EventValidation.DATACONTENTTYPE);
            if (contentType != null) b.withDataContentType(contentType);
            extensions.forEach(b::withExtension);
            if (body.length > 0) b.withData(body);
            try {
                return b.build();
            } catch (IllegalStateException e) {
                throw new DecodeException("binary-mode CloudEvent is invalid: " + e.getMessage(), e);
            }
        }
    }
}
