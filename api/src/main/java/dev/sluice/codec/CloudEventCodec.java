package dev.sluice.codec;

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
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;

/**
 * CloudEvent &lt;-&gt; wire message, for every broker. Writes binary mode (a {@code ce-} attribute per
 * CloudEvents attribute, {@code content-type} for {@code datacontenttype}, the data as the body, byte for
 * byte) and falls back to structured JSON mode ({@code application/cloudevents+json}, data in
 * {@code data_base64} so it survives exactly) when binary mode cannot carry the event on this broker:
 * too many attributes, a value too long, an extension whose type only JSON keeps, or data a broker whose
 * body must be text cannot carry (binary, empty, or with control characters).
 *
 * <p>Reads both modes, and wraps a message that is not a CloudEvent at all (no {@code ce-} attributes,
 * not a structured body) into one: {@code id} is the broker's message id, {@code source} the queue URI,
 * {@code type} the {@value #TYPE_ATTRIBUTE} attribute or else {@value #FOREIGN_TYPE}, {@code time} the
 * publish time, {@code datacontenttype} the {@code content-type} attribute; the other attributes whose
 * names are legal extension names become extensions.
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
     * {@code ce-id}, an unparsable {@code ce-time}, an unknown {@code specversion}, broken JSON) fails with a
     * {@link DecodeException} whose message says which; it is not wrapped as foreign.
     *
     * @param queue the queue it came from, the {@code source} of a wrapped foreign message
     */
    public CloudEvent decode(InboundMessage message, URI queue) throws DecodeException {
        Map<String, String> attributes = message.attributes();
        String contentType = attributes.get(Attributes.CONTENT_TYPE);
        if (attributes.containsKey(Attributes.SPECVERSION)) {
            return BinaryReader.read(attributes, message.body());
        }
        if (contentType != null && contentType.toLowerCase().startsWith("application/cloudevents+json")) {
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

    private static CloudEvent readStructured(byte[] body) throws DecodeException {
        try {
            return JSON.deserialize(body);
        } catch (EventDeserializationException | IllegalStateException | IllegalArgumentException e) {
            throw new DecodeException("structured CloudEvent is invalid: " + rootMessage(e), e);
        }
    }

    private static boolean looksStructured(byte[] body) {
        int i = 0;
        while (i < body.length && Character.isWhitespace(body[i])) i++;
        if (i >= body.length || body[i] != '{') return false;
        try {
            JsonNode node = TREE.readTree(body);
            return node.isObject() && node.has("specversion") && node.has("type");
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static CloudEvent wrapForeign(InboundMessage message, URI queue) {
        Map<String, String> attributes = message.attributes();
        CloudEventBuilder b = CloudEventBuilder.v1()
                .withId(message.messageId())
                .withSource(queue)
                .withType(attributes.getOrDefault(TYPE_ATTRIBUTE, FOREIGN_TYPE));
        if (message.publishTime() != null) b.withTime(message.publishTime().atOffset(ZoneOffset.UTC));
        String contentType = attributes.get(Attributes.CONTENT_TYPE);
        if (contentType != null) b.withDataContentType(contentType);
        for (var e : attributes.entrySet()) {
            if (Attributes.isLegalExtensionName(e.getKey())) b.withExtension(e.getKey(), e.getValue());
        }
        if (message.body().length > 0) b.withData(message.body());
        return b.build();
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
            String version = attributes.get(Attributes.SPECVERSION);
            if (!"1.0".equals(version)) {
                throw new DecodeException("ce-specversion '" + version + "' is not supported (supported: 1.0)");
            }
            CloudEventBuilder b = CloudEventBuilder.v1()
                    .withId(required(attributes, Attributes.ID))
                    .withSource(uri(attributes, Attributes.SOURCE, required(attributes, Attributes.SOURCE)))
                    .withType(required(attributes, Attributes.TYPE));
            String subject = attributes.get(Attributes.SUBJECT);
            if (subject != null) b.withSubject(subject);
            String time = attributes.get(Attributes.TIME);
            if (time != null) {
                try {
                    b.withTime(OffsetDateTime.parse(time));
                } catch (DateTimeParseException e) {
                    throw new DecodeException("ce-time '" + time + "' is not an RFC 3339 timestamp", e);
                }
            }
            String schema = attributes.get(Attributes.DATASCHEMA);
            if (schema != null) b.withDataSchema(uri(attributes, Attributes.DATASCHEMA, schema));
            String contentType = attributes.get(Attributes.CONTENT_TYPE);
            if (contentType != null) b.withDataContentType(contentType);
            for (var e : attributes.entrySet()) {
                String key = e.getKey();
                if (!key.startsWith(Attributes.PREFIX) || Attributes.isCoreAttribute(key)) continue;
                String name = key.substring(Attributes.PREFIX.length());
                if (!Attributes.isLegalExtensionName(name)) {
                    throw new DecodeException("attribute '" + key + "': extension name '" + name
                            + "' must be 1 to 20 lower-case letters or digits");
                }
                b.withExtension(name, e.getValue());
            }
            if (body.length > 0) b.withData(body);
            try {
                return b.build();
            } catch (IllegalStateException e) {
                throw new DecodeException("binary-mode CloudEvent is invalid: " + e.getMessage(), e);
            }
        }

        private static String required(Map<String, String> attributes, String key) throws DecodeException {
            String v = attributes.get(key);
            if (v == null || v.isEmpty()) {
                throw new DecodeException("required attribute '" + key + "' is " + (v == null ? "missing" : "empty"));
            }
            return v;
        }

        private static URI uri(Map<String, String> attributes, String key, String value) throws DecodeException {
            try {
                return new URI(value);
            } catch (URISyntaxException e) {
                throw new DecodeException("attribute '" + key + "' is not a URI reference: " + e.getMessage(), e);
            }
        }
    }
}
