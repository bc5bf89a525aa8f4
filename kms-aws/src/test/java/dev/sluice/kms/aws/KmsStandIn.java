package dev.sluice.kms.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A local stand-in for AWS KMS on 127.0.0.1, speaking the JSON 1.1 protocol the SDK uses, for the two calls the
 * provider makes: {@code GenerateDataKey} and {@code Decrypt}. Keys are AES-256 held here; a ciphertext blob is
 * the key ARN (length-prefixed), a 12-byte IV and AES-GCM over the data key with the encryption context as
 * associated data. Errors are KMS's ({@code __type}): {@code NotFoundException}, {@code InvalidCiphertextException},
 * {@code IncorrectKeyException}; {@link #outage} answers 503.
 */
final class KmsStandIn implements AutoCloseable {
    static final String ARN_PREFIX = "arn:aws:kms:us-east-1:111122223333:key/";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer server;
    private final Map<String, SecretKeySpec> keys = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    final AtomicBoolean outage = new AtomicBoolean();

    KmsStandIn() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Creates a key; returns its ARN. */
    String createKey(String id) {
        byte[] k = new byte[32];
        random.nextBytes(k);
        keys.put(ARN_PREFIX + id, new SecretKeySpec(k, "AES"));
        return ARN_PREFIX + id;
    }

    void deleteKey(String arn) {
        keys.remove(arn);
    }

    int calls(String operation) {
        return calls.getOrDefault(operation, new AtomicInteger()).get();
    }

    private void handle(HttpExchange x) throws IOException {
        String target = x.getRequestHeaders().getFirst("X-Amz-Target");
        String op = target == null ? "" : target.substring(target.indexOf('.') + 1);
        calls.computeIfAbsent(op, k -> new AtomicInteger()).incrementAndGet();
        JsonNode req = JSON.readTree(x.getRequestBody().readAllBytes());
        try {
            if (outage.get()) {
                reply(x, 503, error("ServiceUnavailableException", "down for the test"));
                return;
            }
            ObjectNode res = switch (op) {
                case "GenerateDataKey" -> generateDataKey(req);
                case "Decrypt" -> decrypt(req);
                default -> throw new Refusal("UnsupportedOperationException", op + " is not implemented here");
            };
            reply(x, 200, res);
        } catch (Refusal r) {
            reply(x, 400, error(r.type, r.getMessage()));
        } catch (GeneralSecurityException e) {
            reply(x, 500, error("KMSInternalException", e.toString()));
        }
    }

    private String arn(String keyId) throws Refusal {
        String arn = keyId.startsWith("arn:") ? keyId : ARN_PREFIX + keyId;
        if (!keys.containsKey(arn)) throw new Refusal("NotFoundException", "Key '" + keyId + "' does not exist");
        return arn;
    }

    private ObjectNode generateDataKey(JsonNode req) throws Refusal, GeneralSecurityException {
        String arn = arn(req.path("KeyId").asText());
        if (!"AES_256".equals(req.path("KeySpec").asText())) throw new Refusal("ValidationException", "KeySpec");
        byte[] dataKey = new byte[32];
        random.nextBytes(dataKey);
        byte[] iv = new byte[12];
        random.nextBytes(iv);
        byte[] sealed = gcm(Cipher.ENCRYPT_MODE, keys.get(arn), iv, req.path("EncryptionContext")).doFinal(dataKey);
        byte[] a = arn.getBytes(StandardCharsets.UTF_8);
        byte[] blob = ByteBuffer.allocate(2 + a.length + 12 + sealed.length).putShort((short) a.length).put(a).put(iv)
                .put(sealed).array();
        ObjectNode res = JSON.createObjectNode();
        res.put("KeyId", arn);
        res.put("Plaintext", Base64.getEncoder().encodeToString(dataKey));
        res.put("CiphertextBlob", Base64.getEncoder().encodeToString(blob));
        return res;
    }

    private ObjectNode decrypt(JsonNode req) throws Refusal, GeneralSecurityException {
        ByteBuffer blob = ByteBuffer.wrap(Base64.getDecoder().decode(req.path("CiphertextBlob").asText()));
        String arn;
        byte[] iv = new byte[12];
        byte[] sealed;
        try {
            byte[] a = new byte[blob.getShort()];
            blob.get(a).get(iv);
            arn = new String(a, StandardCharsets.UTF_8);
            sealed = new byte[blob.remaining()];
            blob.get(sealed);
        } catch (RuntimeException e) {
            throw new Refusal("InvalidCiphertextException", "not a ciphertext blob");
        }
        if (req.hasNonNull("KeyId") && !arn(req.get("KeyId").asText()).equals(arn)) {
            throw new Refusal("IncorrectKeyException", "the ciphertext was not encrypted under this key");
        }
        if (!keys.containsKey(arn)) throw new Refusal("NotFoundException", "Key '" + arn + "' does not exist");
        byte[] plain;
        try {
            plain = gcm(Cipher.DECRYPT_MODE, keys.get(arn), iv, req.path("EncryptionContext")).doFinal(sealed);
        } catch (AEADBadTagException e) {
            throw new Refusal("InvalidCiphertextException", "");
        }
        ObjectNode res = JSON.createObjectNode();
        res.put("KeyId", arn);
        res.put("Plaintext", Base64.getEncoder().encodeToString(plain));
        res.put("EncryptionAlgorithm", "SYMMETRIC_DEFAULT");
        return res;
    }

    private static Cipher gcm(int mode, SecretKeySpec key, byte[] iv, JsonNode context) throws GeneralSecurityException {
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(mode, key, new GCMParameterSpec(128, iv));
        c.updateAAD(new java.util.TreeMap<>(JSON.convertValue(context.isMissingNode() ? JSON.createObjectNode() : context,
                Map.class)).toString().getBytes(StandardCharsets.UTF_8));
        return c;
    }

    private static ObjectNode error(String type, String message) {
        ObjectNode n = JSON.createObjectNode();
        n.put("__type", type);
        n.put("message", message);
        return n;
    }

    private static void reply(HttpExchange x, int status, ObjectNode body) throws IOException {
        byte[] b = body.toString().getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
        if (status != 200) x.getResponseHeaders().set("x-amzn-ErrorType", body.path("__type").asText());
        x.sendResponseHeaders(status, b.length);
        x.getResponseBody().write(b);
        x.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private static final class Refusal extends Exception {
        final String type;

        Refusal(String type, String message) {
            super(message);
            this.type = type;
        }
    }
}
