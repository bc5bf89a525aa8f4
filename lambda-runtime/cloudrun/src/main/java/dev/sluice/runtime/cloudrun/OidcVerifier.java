package dev.sluice.runtime.cloudrun;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.runtime.config.PushAuth;
import dev.sluice.runtime.oidc.InvalidTokenException;
import dev.sluice.runtime.oidc.JwksCache;
import dev.sluice.runtime.oidc.JwtVerifier;
import java.time.Clock;
import java.util.Set;

/**
 * Verifies the OIDC token Pub/Sub push (and Eventarc) put in {@code Authorization: Bearer}: an RS256 JWT
 * signed by one of the published keys, issued by {@code accounts.google.com}, for the configured audience,
 * unexpired ({@link JwtVerifier}), naming the configured service account in a verified {@code email}. A missing
 * or invalid token is a 401; a valid token of another account is a 403. Keys that cannot be fetched make a 503,
 * so the sender retries. The reasons are for the log; the response bodies are generic.
 */
final class OidcVerifier implements AutoCloseable {
    private static final Set<String> ISSUERS = Set.of("accounts.google.com", "https://accounts.google.com");

    private final PushAuth auth;
    private final JwksCache keys;
    private final JwtVerifier jwt;

    OidcVerifier(PushAuth auth, Clock clock) {
        this.auth = auth;
        this.keys = new JwksCache(auth.jwksUri(), clock);
        this.jwt = new JwtVerifier(ISSUERS, auth.audience(), keys, clock);
    }

    void verify(String authorization) throws Rejected {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new Rejected(401, "no bearer token in Authorization");
        }
        JsonNode claims;
        try {
            claims = jwt.verify(authorization.substring(7));
        } catch (InvalidTokenException e) {
            throw new Rejected(e.keysUnavailable() ? 503 : 401, e.getMessage());
        }
        String email = claims.path("email").asText();
        if (!auth.serviceAccount().equalsIgnoreCase(email) || !verified(claims.get("email_verified"))) {
            throw new Rejected(403, "the token's email is '" + email + "'" + (verified(claims.get("email_verified"))
                    ? "" : " (not verified)") + "; only " + auth.serviceAccount() + " may push here");
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

    private static boolean verified(JsonNode v) {
        return v != null && (v.asBoolean(false) || "true".equals(v.asText()));
    }
}
