package dev.sluice.runtime.cloudrun;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.sluice.runtime.inject.SluiceRuntime;
import dev.sluice.runtime.testapp.Recorder;
import dev.sluice.runtime.testapp.TestConfigs;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bad-input corpus of the Cloud Run host ({@code front-door-corpus.json}): each case is sent over a raw
 * socket to the real Jetty server, with push authentication on (a local RSA key served as a JWKS), and must be
 * answered with its status and the generic body of that status, quoting neither the token nor the payload;
 * the handler runs only for the cases that say so. Placeholders: {@code {PUSH}} a valid push for the case,
 * {@code {B64:text}}, {@code {HEX:bytes}} (the whole body), {@code {REPEAT:n}}, {@code {DEEP:n}} (n nested
 * arrays), {@code {TOKEN}} in a raw request.
 */
class FrontDoorCorpusTest {
    private static final String AUDIENCE = "sluice/acme/europe-west1/orders";
    private static final String ACCOUNT = "orders-push@acme.iam.gserviceaccount.com";
    private static final int MAX_BODY = 65536;
    private static KeyPair google;
    private static KeyPair stranger;
    private static HttpServer jwks;
    private static SluiceRuntime runtime;
    private static CloudRunServer server;

    @BeforeAll
    static void start() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        google = g.generateKeyPair();
        stranger = g.generateKeyPair();
        RSAPublicKey pub = (RSAPublicKey) google.getPublic();
        byte[] keys = ("{\"keys\":[{\"kty\":\"RSA\",\"alg\":\"RS256\",\"use\":\"sig\",\"kid\":\"key-1\",\"n\":\""
                + b64(pub.getModulus()) + "\",\"e\":\"" + b64(pub.getPublicExponent()) + "\"}]}").getBytes(StandardCharsets.UTF_8);
        jwks = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        jwks.createContext("/certs", ex -> {
            ex.getResponseHeaders().set("Cache-Control", "max-age=21600");
            ex.sendResponseHeaders(200, keys.length);
            ex.getResponseBody().write(keys);
            ex.close();
        });
        jwks.start();
        Map<String, String> env = TestConfigs.env("mem://orders");
        env.put("SLUICE_PUSH_AUDIENCE", AUDIENCE);
        env.put("SLUICE_PUSH_SERVICE_ACCOUNT", ACCOUNT);
        env.put("SLUICE_PUSH_JWKS_URL", "http://127.0.0.1:" + jwks.getAddress().getPort() + "/certs");
        env.put("SLUICE_HTTP_MAX_BODY_BYTES", String.valueOf(MAX_BODY));
        env.put("SLUICE_HTTP_MAX_HEADER_BYTES", "8192");
        runtime = SluiceRuntime.start(TestConfigs.config(env));
        server = CloudRunServer.start(runtime, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        server.close();
        jwks.stop(0);
    }

    static Stream<Arguments> cases() throws Exception {
        return corpus().stream().map(c -> Arguments.of(c.get("name").asText(), c));
    }

    static List<JsonNode> corpus() throws Exception {
        try (InputStream in = FrontDoorCorpusTest.class.getResourceAsStream("front-door-corpus.json")) {
            List<JsonNode> cases = new ArrayList<>();
            new ObjectMapper().readTree(in).forEach(cases::add);
            return cases;
        }
    }

    @Test
    void theCorpusCoversEveryKindOfBadInput() throws Exception {
        assertThat(corpus()).extracting(c -> c.get("covers").asText()).contains("oversized", "truncated", "wrong charset",
                "nested depth", "attribute injection", "header smuggling", "forged token");
        assertThat(corpus()).extracting(c -> c.get("token").asText()).contains("expired", "wrong-audience", "wrong-issuer",
                "alg-none", "hs256-public-key", "unknown-kid");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void eachBadInputGetsItsDocumentedAnswer(String name, JsonNode c) throws Exception {
        String token = token(c.get("token").asText());
        byte[] request = c.has("raw") ? expand(c.get("raw").asText(), name, token) : request(c, name, token);
        String response = send(request);

        int status = Integer.parseInt(response.substring(9, 12));
        String body = response.substring(response.indexOf("\r\n\r\n") + 4);
        assertThat(status).as("%s: %s", name, c.get("why").asText()).isEqualTo(c.get("status").asInt());
        assertThat(body).isEqualTo(status == 204 ? "" : Rejected.body(status) + "\n");
        if (token != null) assertThat(response).doesNotContain(token);
        assertThat(runtime.injector().getInstance(Recorder.class).handled().contains("greet:" + name))
                .as("handler ran for %s", name).isEqualTo(c.get("handled").asBoolean());
    }

    private static byte[] request(JsonNode c, String name, String token) {
        Map<String, String> headers = new HashMap<>();
        c.get("headers").properties().forEach(h -> headers.put(h.getKey(), new String(expand(h.getValue().asText(), name, token),
                StandardCharsets.ISO_8859_1)));
        byte[] body = expand(c.get("body").asText(), name, token);
        StringBuilder head = new StringBuilder("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
        if (token != null) head.append("Authorization: Bearer ").append(token).append("\r\n");
        headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(body);
        return out.toByteArray();
    }

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(PUSH|TOKEN|B64:[^}]*|HEX:[0-9a-f]*|REPEAT:\\d+|DEEP:\\d+)}");

    static byte[] expand(String template, String name, String token) {
        if (template.startsWith("{HEX:")) return HexFormat.of().parseHex(template.substring(5, template.length() - 1));
        Matcher m = PLACEHOLDER.matcher(template.replace("{PUSH}", Http.push(Http.pubsubMessage("m-" + name, "e-" + name,
                "greet", "{\"name\":\"" + name + "\"}"), null)));
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String p = m.group(1);
            String value = p.equals("TOKEN") ? String.valueOf(token)
                    : p.startsWith("B64:") ? Http.b64(p.substring(4))
                    : p.startsWith("REPEAT:") ? "A".repeat(Integer.parseInt(p.substring(7)))
                    : "[".repeat(Integer.parseInt(p.substring(5))) + "]".repeat(Integer.parseInt(p.substring(5)));
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private String send(byte[] request) throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request);
            s.getOutputStream().flush();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    /** The bearer token a case sends, by kind; null for none. */
    static String token(String kind) throws Exception {
        Map<String, Object> claims = claims();
        switch (kind) {
            case "missing":
                return null;
            case "garbage":
                return "not-a-jwt";
            case "empty-header":
                return enc("{}") + "." + enc("{}") + ".AAAA";
            case "nested-header":
                return enc("[".repeat(1500) + "]".repeat(1500)) + "." + enc("{}") + ".AAAA";
            case "expired":
                claims.put("exp", Instant.now().getEpochSecond() - 3600);
                break;
            case "wrong-audience":
                claims.put("aud", "https://someone-else.run.app");
                break;
            case "wrong-issuer":
                claims.put("iss", "https://evil.example");
                break;
            case "other-account":
                claims.put("email", "intruder@acme.iam.gserviceaccount.com");
                break;
            case "alg-none":
                return OidcTest.jwt("none", "key-1", claims, null);
            case "unknown-kid":
                return OidcTest.jwt("RS256", "key-9", claims, google.getPrivate());
            case "stranger-key":
                return OidcTest.jwt("RS256", "key-1", claims, stranger.getPrivate());
            case "hs256-public-key":
                return hs256WithPublicKey(claims);
            case "valid":
                break;
            default:
                throw new IllegalArgumentException("unknown token kind " + kind);
        }
        return OidcTest.jwt("RS256", "key-1", claims, google.getPrivate());
    }

    /** Algorithm confusion: HS256 with the RSA public key (its X.509 encoding) as the HMAC secret. */
    private static String hs256WithPublicKey(Map<String, Object> claims) throws Exception {
        String rs = OidcTest.jwt("none", "key-1", claims, null);
        String payload = rs.split("\\.")[1];
        String header = enc("{\"alg\":\"HS256\",\"kid\":\"key-1\",\"typ\":\"JWT\"}");
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(google.getPublic().getEncoded(), "HmacSHA256"));
        byte[] sig = mac.doFinal((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
        return header + "." + payload + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(sig);
    }

    private static Map<String, Object> claims() {
        long now = Instant.now().getEpochSecond();
        Map<String, Object> c = new HashMap<>();
        c.put("iss", "https://accounts.google.com");
        c.put("aud", AUDIENCE);
        c.put("email", ACCOUNT);
        c.put("email_verified", true);
        c.put("sub", "1234567890");
        c.put("iat", now - 10);
        c.put("exp", now + 3590);
        return c;
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
