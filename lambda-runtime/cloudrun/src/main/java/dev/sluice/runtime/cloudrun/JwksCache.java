package dev.sluice.runtime.cloudrun;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The RSA signing keys published at a JWKS URL (Google's {@code https://www.googleapis.com/oauth2/v3/certs}),
 * by key id, cached for the {@code max-age} the response's {@code Cache-Control} gives (an hour when it gives
 * none). An unknown key id refreshes early, at most once a minute, since Google rotates keys.
 */
final class JwksCache {
    private static final Pattern MAX_AGE = Pattern.compile("max-age=(\\d+)");
    private static final Duration DEFAULT_TTL = Duration.ofHours(1);
    private static final Duration MIN_REFRESH = Duration.ofMinutes(1);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI uri;
    private final Clock clock;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Map<String, PublicKey> keys = Map.of();
    private Instant expires = Instant.MIN;
    private Instant fetched = Instant.MIN;

    JwksCache(URI uri, Clock clock) {
        this.uri = uri;
        this.clock = clock;
    }

    /** The key with id {@code kid}, or null when the published set has none. */
    synchronized PublicKey key(String kid) throws IOException {
        Instant now = clock.instant();
        if (now.isAfter(expires) || (!keys.containsKey(kid) && now.isAfter(fetched.plus(MIN_REFRESH)))) {
            try {
                refresh(now);
            } catch (IOException e) {
                if (keys.isEmpty()) throw e;
            }
        }
        return keys.get(kid);
    }

    private void refresh(Instant now) throws IOException {
        fetched = now;
        HttpResponse<byte[]> response;
        try {
            response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while fetching " + uri, e);
        }
        if (response.statusCode() != 200) throw new IOException("fetching " + uri + " answered " + response.statusCode());
        keys = parse(response.body());
        Matcher m = MAX_AGE.matcher(response.headers().firstValue("cache-control").orElse(""));
        expires = now.plus(m.find() ? Duration.ofSeconds(Long.parseLong(m.group(1))) : DEFAULT_TTL);
    }

    static Map<String, PublicKey> parse(byte[] body) throws IOException {
        Map<String, PublicKey> result = new HashMap<>();
        JsonNode keys = JSON.readTree(body).get("keys");
        if (keys == null || !keys.isArray()) throw new IOException("the JWKS has no \"keys\" array");
        Base64.Decoder b64 = Base64.getUrlDecoder();
        for (JsonNode k : keys) {
            if (!"RSA".equals(k.path("kty").asText()) || !k.hasNonNull("kid")) continue;
            try {
                RSAPublicKeySpec spec = new RSAPublicKeySpec(new BigInteger(1, b64.decode(k.path("n").asText())),
                        new BigInteger(1, b64.decode(k.path("e").asText())));
                result.put(k.get("kid").asText(), KeyFactory.getInstance("RSA").generatePublic(spec));
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                throw new IOException("the JWKS key " + k.get("kid").asText() + " is not a valid RSA key: " + e.getMessage(), e);
            }
        }
        return Map.copyOf(result);
    }
}
