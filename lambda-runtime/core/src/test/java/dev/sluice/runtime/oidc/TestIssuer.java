package dev.sluice.runtime.oidc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * For tests (in this module's test-jar): an OIDC issuer on 127.0.0.1. A locally made RSA key, published with key id
 * {@value #KID} as a JWKS at {@link #jwksUri()} by the JDK's HTTP server, and RS256 ID tokens signed with it (or, to
 * test refusals, with a key nobody published, or under a key id that is not published).
 */
public final class TestIssuer implements AutoCloseable {
    /** The key id the JWKS publishes. */
    public static final String KID = "key-1";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KeyPair key = newKey();
    private final KeyPair stranger = newKey();
    private final HttpServer server;
    private final AtomicInteger jwksRequests = new AtomicInteger();

    private TestIssuer() throws IOException {
        RSAPublicKey pub = (RSAPublicKey) key.getPublic();
        byte[] jwks = ("{\"keys\":[{\"kty\":\"RSA\",\"alg\":\"RS256\",\"use\":\"sig\",\"kid\":\"" + KID + "\",\"n\":\""
                + unsigned(pub.getModulus()) + "\",\"e\":\"" + unsigned(pub.getPublicExponent()) + "\"}]}")
                .getBytes(StandardCharsets.UTF_8);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/jwks", ex -> {
            jwksRequests.incrementAndGet();
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.getResponseHeaders().set("Cache-Control", "public, max-age=3600");
            ex.sendResponseHeaders(200, jwks.length);
            ex.getResponseBody().write(jwks);
            ex.close();
        });
        server.start();
    }

    /** Starts serving the JWKS on a free port of 127.0.0.1. */
    public static TestIssuer start() {
        try {
            return new TestIssuer();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where the signing keys are published. */
    public URI jwksUri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/jwks");
    }

    /** How many times the JWKS was fetched. */
    public int jwksRequests() {
        return jwksRequests.get();
    }

    /** An RS256 token with {@code claims} (in their order), signed with the published key. */
    public String token(Map<String, ?> claims) {
        return sign(KID, claims, key.getPrivate());
    }

    /** An RS256 token signed with the published key but naming key id {@code kid}. */
    public String tokenWithKeyId(String kid, Map<String, ?> claims) {
        return sign(kid, claims, key.getPrivate());
    }

    /** An RS256 token naming the published key id but signed with another key. */
    public String forgedToken(Map<String, ?> claims) {
        return sign(KID, claims, stranger.getPrivate());
    }

    /** Claims {@code iss}, {@code aud}, {@code sub}, {@code iat} (now - 10 s) and {@code exp} (now + 1 h), to add to. */
    public static Map<String, Object> claims(String issuer, String audience, String subject) {
        long now = System.currentTimeMillis() / 1000;
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("iss", issuer);
        c.put("aud", audience);
        c.put("sub", subject);
        c.put("iat", now - 10);
        c.put("exp", now + 3600);
        return c;
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private static String sign(String kid, Map<String, ?> claims, PrivateKey with) {
        try {
            String header = base64(JSON.writeValueAsBytes(Map.of("alg", "RS256", "kid", kid, "typ", "JWT")));
            String payload = base64(JSON.writeValueAsBytes(claims));
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(with);
            rsa.update((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
            return header + "." + payload + "." + base64(rsa.sign());
        } catch (JsonProcessingException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair newKey() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A JWK number: big-endian, no sign byte, base64url. */
    private static String unsigned(BigInteger n) {
        byte[] bytes = n.toByteArray();
        if (bytes[0] == 0) bytes = Arrays.copyOfRange(bytes, 1, bytes.length);
        return base64(bytes);
    }

    private static String base64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
