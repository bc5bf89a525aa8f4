package dev.sluice.runtime.cloudrun;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.sluice.runtime.inject.SluiceRuntime;
import dev.sluice.runtime.testapp.Recorder;
import dev.sluice.runtime.testapp.TestConfigs;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Push token verification, with a locally generated RSA key standing in for Google's, served as a JWKS on 127.0.0.1. */
class OidcTest {
    private static final String AUDIENCE = "sluice/acme/europe-west1/orders";
    private static final String ACCOUNT = "orders-push@acme.iam.gserviceaccount.com";
    private static KeyPair google;
    private static KeyPair stranger;
    private static HttpServer jwks;
    private static final AtomicInteger jwksRequests = new AtomicInteger();
    private static SluiceRuntime runtime;
    private static CloudRunServer server;

    @BeforeAll
    static void start() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        google = g.generateKeyPair();
        stranger = g.generateKeyPair();
        RSAPublicKey pub = (RSAPublicKey) google.getPublic();
        byte[] keys = ("{\"keys\":[{\"kty\":\"RSA\",\"alg\":\"RS256\",\"use\":\"sig\",\"kid\":\"key-1\",\"n\":\"" + b64(pub.getModulus())
                + "\",\"e\":\"" + b64(pub.getPublicExponent()) + "\"}]}").getBytes(StandardCharsets.UTF_8);
        jwks = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        jwks.createContext("/oauth2/v3/certs", ex -> {
            jwksRequests.incrementAndGet();
            ex.getResponseHeaders().set("Cache-Control", "public, max-age=21600, must-revalidate, no-transform");
            ex.sendResponseHeaders(200, keys.length);
            ex.getResponseBody().write(keys);
            ex.close();
        });
        jwks.start();
        Map<String, String> env = TestConfigs.env("mem://orders");
        env.put("SLUICE_PUSH_AUDIENCE", AUDIENCE);
        env.put("SLUICE_PUSH_SERVICE_ACCOUNT", ACCOUNT);
        env.put("SLUICE_PUSH_JWKS_URL", "http://127.0.0.1:" + jwks.getAddress().getPort() + "/oauth2/v3/certs");
        runtime = SluiceRuntime.start(TestConfigs.config(env));
        server = CloudRunServer.start(runtime, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        server.close();
        jwks.stop(0);
    }

    private static Map<String, Object> claims() {
        long now = Instant.now().getEpochSecond();
        Map<String, Object> c = new HashMap<>();
        c.put("iss", "https://accounts.google.com");
        c.put("aud", AUDIENCE);
        c.put("azp", "1234567890");
        c.put("email", ACCOUNT);
        c.put("email_verified", true);
        c.put("sub", "1234567890");
        c.put("iat", now - 10);
        c.put("exp", now + 3590);
        return c;
    }

    private static int post(String token, String name) throws Exception {
        return send(token, name).statusCode();
    }

    private static java.net.http.HttpResponse<String> send(String token, String name) throws Exception {
        Map<String, String> headers = new HashMap<>(Map.of("Content-Type", "application/json"));
        if (token != null) headers.put("Authorization", "Bearer " + token);
        String body = Http.push(Http.pubsubMessage("m-" + name, "e-" + name, "greet", "{\"name\":\"" + name + "\"}"), null);
        return Http.post(server.port(), "/", headers, body);
    }

    @Test
    void aValidTokenIsAcceptedAndTheKeysAreFetchedOnce() throws Exception {
        assertThat(post(jwt("RS256", "key-1", claims(), google.getPrivate()), "valid")).isEqualTo(204);
        Map<String, Object> legacyIssuer = claims();
        legacyIssuer.put("iss", "accounts.google.com");
        assertThat(post(jwt("RS256", "key-1", legacyIssuer, google.getPrivate()), "legacy")).isEqualTo(204);
        assertThat(jwksRequests.get()).isEqualTo(1);
        assertThat(runtime.injector().getInstance(Recorder.class).handled()).contains("greet:valid", "greet:legacy");
    }

    @Test
    void badTokensAreRefusedWithoutTouchingTheHandler() throws Exception {
        Map<String, Object> expired = claims();
        expired.put("exp", Instant.now().getEpochSecond() - 3600);
        Map<String, Object> otherAudience = claims();
        otherAudience.put("aud", "https://someone-else.run.app");
        Map<String, Object> otherIssuer = claims();
        otherIssuer.put("iss", "https://evil.example");
        Map<String, Object> otherAccount = claims();
        otherAccount.put("email", "intruder@acme.iam.gserviceaccount.com");
        Map<String, Object> unverified = claims();
        unverified.put("email_verified", false);

        assertThat(post(null, "missing")).isEqualTo(401);
        assertThat(post("not-a-jwt", "garbage")).isEqualTo(401);
        assertThat(post(jwt("RS256", "key-1", claims(), stranger.getPrivate()), "forged")).isEqualTo(401);
        assertThat(post(jwt("RS256", "key-9", claims(), google.getPrivate()), "unknown-kid")).isEqualTo(401);
        assertThat(post(jwt("none", "key-1", claims(), null), "alg-none")).isEqualTo(401);
        assertThat(post(jwt("RS256", "key-1", expired, google.getPrivate()), "expired")).isEqualTo(401);
        assertThat(post(jwt("RS256", "key-1", otherAudience, google.getPrivate()), "audience")).isEqualTo(401);
        assertThat(post(jwt("RS256", "key-1", otherIssuer, google.getPrivate()), "issuer")).isEqualTo(401);
        assertThat(post(jwt("RS256", "key-1", otherAccount, google.getPrivate()), "account")).isEqualTo(403);
        assertThat(post(jwt("RS256", "key-1", unverified, google.getPrivate()), "unverified")).isEqualTo(403);
        assertThat(runtime.injector().getInstance(Recorder.class).handled())
                .noneMatch(h -> h.matches("greet:(missing|garbage|forged|unknown-kid|alg-none|expired|audience|issuer|account|unverified)"));
    }

    @Test
    void refusalsNameNeitherTheAudienceNorTheServiceAccount() throws Exception {
        Map<String, Object> otherAudience = claims();
        otherAudience.put("aud", "https://someone-else.run.app");
        Map<String, Object> otherAccount = claims();
        otherAccount.put("email", "intruder@acme.iam.gserviceaccount.com");
        var unauthorized = send(jwt("RS256", "key-1", otherAudience, google.getPrivate()), "body-401");
        var forbidden = send(jwt("RS256", "key-1", otherAccount, google.getPrivate()), "body-403");
        var missing = send(null, "body-missing");
        assertThat(unauthorized.statusCode()).isEqualTo(401);
        assertThat(unauthorized.body()).isEqualTo("unauthorized\n");
        assertThat(unauthorized.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertThat(missing.body()).isEqualTo("unauthorized\n");
        assertThat(forbidden.statusCode()).isEqualTo(403);
        assertThat(forbidden.body()).isEqualTo("forbidden\n");
        for (var r : java.util.List.of(unauthorized, forbidden, missing)) {
            assertThat(r.body()).doesNotContain(AUDIENCE).doesNotContain(ACCOUNT).doesNotContain("intruder")
                    .doesNotContain("body-").doesNotContain("someone-else");
        }
    }

    static String jwt(String alg, String kid, Map<String, Object> claims, PrivateKey key) throws Exception {
        String header = enc("{\"alg\":\"" + alg + "\",\"kid\":\"" + kid + "\",\"typ\":\"JWT\"}");
        StringBuilder json = new StringBuilder("{");
        claims.forEach((k, v) -> json.append(json.length() > 1 ? "," : "").append('"').append(k).append("\":")
                .append(v instanceof String ? "\"" + v + "\"" : String.valueOf(v)));
        String payload = enc(json.append('}').toString());
        if (key == null) return header + "." + payload + ".";
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initSign(key);
        rsa.update((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
        return header + "." + payload + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(rsa.sign());
    }

    private static String enc(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String b64(BigInteger n) {
        byte[] bytes = n.toByteArray();
        if (bytes[0] == 0) bytes = java.util.Arrays.copyOfRange(bytes, 1, bytes.length);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
