package dev.sluice.runtime.cloudrun;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.runtime.config.PushAuth;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Clock;
import java.util.Base64;
import java.util.Set;

/**
 * Verifies the OIDC token Pub/Sub push (and Eventarc) put in {@code Authorization: Bearer}: an RS256 JWT
 * signed by one of the published keys, issued by {@code accounts.google.com}, for the configured audience,
 * unexpired, naming the configured service account in a verified {@code email}. A missing or invalid token
 * is a 401; a valid token of another account is a 403. Keys that cannot be fetched make a 503, so the
 * sender retries. The reasons are for the log; the response bodies are generic.
 */
final class OidcVerifier implements AutoCloseable {
    private static final Set<String> ISSUERS = Set.of("accounts.google.com", "https://accounts.google.com");
    private static final long SKEW_SECONDS = 60;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PushAuth auth;
    private final JwksCache keys;
    private final Clock clock;

    OidcVerifier(PushAuth auth, Clock clock) {
        this.auth = auth;
        this.keys = new JwksCache(auth.jwksUri(), clock);
        this.clock = clock;
    }

    void verify(String authorization) throws Rejected {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new Rejected(401, "no bearer token in Authorization");
        }
        String[] parts = authorization.substring(7).trim().split("\\.", -1);
        if (parts.length != 3) throw new Rejected(401, "the bearer token is not a JWT");
        JsonNode header = part(parts[0], "header");
        JsonNode claims = part(parts[1], "claims");
        if (!"RS256".equals(header.path("alg").asText())) {
            throw new Rejected(401, "the token's algorithm is '" + header.path("alg").asText() + "', not RS256");
        }
        checkSignature(header.path("kid").asText(), parts);
        long now = clock.instant().getEpochSecond();
        if (!ISSUERS.contains(claims.path("iss").asText())) {
            throw new Rejected(401, "the token's issuer is '" + claims.path("iss").asText() + "', not accounts.google.com");
        }
        if (!audienceMatches(claims.get("aud"))) {
            throw new Rejected(401, "the token's audience is " + claims.get("aud") + ", not '" + auth.audience() + "'");
        }
        if (!claims.path("exp").canConvertToLong() || claims.path("exp").asLong() + SKEW_SECONDS < now) {
            throw new Rejected(401, "the token has expired (exp " + claims.path("exp").asText() + ")");
        }
        if (claims.path("iat").canConvertToLong() && claims.path("iat").asLong() - SKEW_SECONDS > now) {
            throw new Rejected(401, "the token was issued in the future (iat " + claims.path("iat").asText() + ")");
        }
        String email = claims.path("email").asText();
        if (!auth.serviceAccount().equalsIgnoreCase(email) || !verified(claims.get("email_verified"))) {
            throw new Rejected(403, "the token's email is '" + email + "'" + (verified(claims.get("email_verified"))
                    ? "" : " (not verified)") + "; only " + auth.serviceAccount() + " may push here");
        }
    }

    private void checkSignature(String kid, String[] parts) throws Rejected {
        PublicKey key;
        try {
            key = keys.key(kid);
        } catch (IOException e) {
            throw new Rejected(503, e.getMessage());
        }
        if (key == null) throw new Rejected(401, "the token's key id '" + kid + "' is not among the published keys");
        try {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initVerify(key);
            rsa.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!rsa.verify(Base64.getUrlDecoder().decode(parts[2]))) throw new Rejected(401, "the token's signature is invalid");
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new Rejected(401, "the token's signature cannot be checked: " + e.getMessage());
        }
    }

    /** Whether the signing keys are being refreshed now. */
    boolean refreshing() {
        return keys.refreshing();
    }

    @Override
    public void close() {
        keys.close();
    }

    private boolean audienceMatches(JsonNode aud) {
        if (aud == null) return false;
        if (aud.isArray()) {
            for (JsonNode a : aud) if (auth.audience().equals(a.asText())) return true;
            return false;
        }
        return auth.audience().equals(aud.asText());
    }

    private static boolean verified(JsonNode v) {
        return v != null && (v.asBoolean(false) || "true".equals(v.asText()));
    }

    private static JsonNode part(String encoded, String what) throws Rejected {
        try {
            JsonNode node = JSON.readTree(Base64.getUrlDecoder().decode(encoded));
            if (node == null || !node.isObject()) throw new Rejected(401, "the token's " + what + " is not a JSON object");
            return node;
        } catch (IOException | IllegalArgumentException e) {
            throw new Rejected(401, "the token's " + what + " cannot be read");
        }
    }
}
