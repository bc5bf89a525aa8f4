package dev.sluice.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cloudevents.CloudEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** The encrypted data's envelope (see {@link PayloadEncryption}), and the associated data it is sealed with. */
record Envelope(String alg, String kid, byte[] wrappedKey, byte[] iv, String contentType, byte[] ciphertext) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int VERSION = 1;
    /** The GCM tag at the end of every ciphertext. */
    static final int TAG_BYTES = 16;

    Envelope withCiphertext(byte[] ct) {
        return new Envelope(alg, kid, wrappedKey, iv, contentType, ct);
    }

    byte[] toJson() {
        ObjectNode n = JSON.createObjectNode();
        n.put("v", VERSION);
        n.put("alg", alg);
        n.put("kid", kid);
        n.put("key", Base64.getEncoder().encodeToString(wrappedKey));
        n.put("iv", Base64.getEncoder().encodeToString(iv));
        if (contentType != null) n.put("cty", contentType);
        n.put("ct", Base64.getEncoder().encodeToString(ciphertext));
        return n.toString().getBytes(StandardCharsets.UTF_8);
    }

    static Envelope parse(byte[] data) {
        JsonNode n;
        try {
            n = JSON.readTree(data);
        } catch (IOException e) {
            throw new UndecryptableException("the encrypted envelope is not JSON");
        }
        if (n == null || !n.isObject()) throw new UndecryptableException("the encrypted envelope is not a JSON object");
        if (n.path("v").asInt(-1) != VERSION) throw new UndecryptableException("unsupported envelope version");
        byte[] iv = bytes(n, "iv");
        if (iv.length != PayloadEncryption.IV_BYTES) throw new UndecryptableException("the envelope's iv is not 12 bytes");
        byte[] ct = bytes(n, "ct");
        if (ct.length < TAG_BYTES) throw new UndecryptableException("the envelope's ct is shorter than its tag");
        return new Envelope(text(n, "alg"), text(n, "kid"), bytes(n, "key"), iv,
                n.hasNonNull("cty") ? n.get("cty").asText() : null, ct);
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) throw new UndecryptableException("the envelope has no '" + field + "'");
        return v.textValue();
    }

    private static byte[] bytes(JsonNode n, String field) {
        try {
            return Base64.getDecoder().decode(text(n, field));
        } catch (IllegalArgumentException e) {
            throw new UndecryptableException("the envelope's '" + field + "' is not base64");
        }
    }

    /**
     * What the ciphertext is bound to: the envelope's algorithm, key id and content type, and the event's
     * specversion, id, source, type, subject and dataschema, each length-prefixed (absent: length -1).
     */
    static byte[] associatedData(CloudEvent event, Envelope e) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        for (String field : new String[] {"sluice-envelope/1", e.alg(), e.kid(), e.contentType(),
                event.getSpecVersion().toString(), event.getId(), event.getSource().toString(), event.getType(),
                event.getSubject(), event.getDataSchema() == null ? null : event.getDataSchema().toString()}) {
            if (field == null) {
                out.writeBytes(ByteBuffer.allocate(4).putInt(-1).array());
            } else {
                byte[] b = field.getBytes(StandardCharsets.UTF_8);
                out.writeBytes(ByteBuffer.allocate(4).putInt(b.length).array());
                out.writeBytes(b);
            }
        }
        return out.toByteArray();
    }
}
