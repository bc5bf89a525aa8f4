package dev.sluice.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.LongString;
import dev.sluice.spi.InboundMessage;
import dev.sluice.spi.OutboundMessage;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.UUID;

/**
 * The one translation between Sluice's wire attributes and an AMQP 0-9-1 message, following the CloudEvents AMQP
 * protocol binding: in binary mode every {@code ce-<name>} attribute travels as the header (RabbitMQ's name for
 * application properties) {@code cloudEvents_<name>}, {@code datacontenttype} as the AMQP {@code content-type}
 * property, the data as the body byte for byte; in structured mode the body is the JSON event and
 * {@code content-type} is {@code application/cloudevents+json}. The binding allows the prefixes {@code cloudEvents_}
 * and {@code cloudEvents:}; Sluice writes {@code cloudEvents_} (what the CloudEvents SDK's Spring AMQP binding
 * writes, and a legal JMS property name) and reads both.
 */
final class RabbitWire {
    private RabbitWire() {
    }

    static final String CE_PREFIX = "cloudEvents_";
    static final String CE_PREFIX_AMQP10 = "cloudEvents:";
    static final String CONTENT_TYPE = "content-type";
    /** Deliveries a message had before the driver republished it to a retry queue (the broker's count restarts there). */
    static final String ATTEMPTS_HEADER = "sluice-attempts";
    /** The broker's count of returned deliveries of a quorum queue message. */
    static final String DELIVERY_COUNT = "x-delivery-count";

    /** Properties for a new message: persistent, a fresh message id, content type and headers from the attributes. */
    static AMQP.BasicProperties properties(OutboundMessage m, String messageId, Instant now) {
        Map<String, Object> headers = new HashMap<>();
        String contentType = null;
        for (var a : m.attributes().entrySet()) {
            String key = a.getKey();
            if (key.equals(CONTENT_TYPE)) {
                contentType = a.getValue();
            } else if (key.startsWith("ce-")) {
                headers.put(CE_PREFIX + key.substring(3), a.getValue());
            } else {
                headers.put(key, a.getValue());
            }
        }
        return new AMQP.BasicProperties.Builder()
                .messageId(messageId)
                .contentType(contentType)
                .deliveryMode(2)
                .timestamp(Date.from(now))
                .headers(headers)
                .build();
    }

    /** A fresh broker message id (RabbitMQ assigns none). */
    static String newMessageId() {
        return UUID.randomUUID().toString();
    }

    /** The headers a republished copy keeps: the sender's, without the broker's {@code x-} ones; plus the attempts so far. */
    static AMQP.BasicProperties republished(AMQP.BasicProperties p, int attemptsSoFar) {
        Map<String, Object> headers = new HashMap<>();
        if (p.getHeaders() != null) {
            p.getHeaders().forEach((k, v) -> {
                if (!k.startsWith("x-")) headers.put(k, v);
            });
        }
        headers.put(ATTEMPTS_HEADER, attemptsSoFar);
        return p.builder().headers(headers).deliveryMode(2).build();
    }

    /** Sluice's attributes of a received message: headers (the broker's {@code x-} ones and the driver's own left out) and content type. */
    static Map<String, String> attributes(AMQP.BasicProperties p) {
        Map<String, String> attributes = new HashMap<>();
        if (p.getHeaders() != null) {
            for (var h : p.getHeaders().entrySet()) {
                String key = h.getKey();
                if (key.startsWith("x-") || key.equals(ATTEMPTS_HEADER) || h.getValue() == null) continue;
                String value = text(h.getValue());
                if (value == null) continue;
                if (key.startsWith(CE_PREFIX) || key.startsWith(CE_PREFIX_AMQP10)) {
                    attributes.put("ce-" + key.substring(CE_PREFIX.length()), value);
                } else {
                    attributes.put(key, value);
                }
            }
        }
        if (p.getContentType() != null) attributes.put(CONTENT_TYPE, p.getContentType());
        return attributes;
    }

    /** The attempt number: deliveries before a retry-queue trip, plus the broker's returns since, plus this one. */
    static int attempt(AMQP.BasicProperties p) {
        Map<String, Object> h = p.getHeaders();
        if (h == null) return 1;
        return number(h.get(ATTEMPTS_HEADER)) + number(h.get(DELIVERY_COUNT)) + 1;
    }

    static InboundMessage inbound(Envelope envelope, AMQP.BasicProperties p, byte[] body, String handle, Object nativeMessage) {
        String id = p.getMessageId() != null ? p.getMessageId() : digestId(p, body);
        Instant published = p.getTimestamp() == null ? null : p.getTimestamp().toInstant();
        return new InboundMessage(id, body == null ? new byte[0] : body, attributes(p), null,
                OptionalInt.of(attempt(p)), published, handle, nativeMessage);
    }

    /** A message from a producer that set no message id: named by its content, so every delivery of it has one name. */
    private static String digestId(AMQP.BasicProperties p, byte[] body) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(String.valueOf(p.getTimestamp()).getBytes(StandardCharsets.UTF_8));
            d.update(String.valueOf(p.getCorrelationId()).getBytes(StandardCharsets.UTF_8));
            if (body != null) d.update(body);
            return "sha256-" + HexFormat.of().formatHex(d.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String text(Object v) {
        if (v instanceof LongString || v instanceof String || v instanceof Number || v instanceof Boolean) return v.toString();
        if (v instanceof byte[] b) return java.util.Base64.getEncoder().encodeToString(b);
        if (v instanceof Date d) return d.toInstant().toString();
        if (v instanceof List<?> || v instanceof Map<?, ?>) return null; // x-death style tables are the broker's
        return v.toString();
    }

    private static int number(Object v) {
        if (v instanceof Number n) return n.intValue();
        if (v != null) {
            try {
                return Integer.parseInt(v.toString());
            } catch (NumberFormatException e) {
                return 0;
            }
        }
        return 0;
    }
}
