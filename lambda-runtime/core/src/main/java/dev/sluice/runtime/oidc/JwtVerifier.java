package dev.sluice.runtime.oidc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Clock;
import java.util.Base64;
import java.util.Objects;
import java.util.Set;

/**
 * Verifies an OIDC ID token (a JWT): RS256, signed by a key of the {@link JwksCache}, issued by one of the
 * accepted issuers, for the audience, unexpired (a minute of clock skew allowed). What a verified token may do
 * (its email, its groups) is the caller's rule; this checks only that the token is genuine and meant for it.
 */
public final class JwtVerifier {
    private static final long SKEW_SECONDS = 60;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Set<String> issuers;
    private final String audience;
    private final JwksCache keys;
    private final Clock clock;

    /**
     * @param issuers  the accepted {@code iss} values
     * @param audience the required {@code aud} (one of them when it is a list)
     * @param keys     the issuer's signing keys
     */
    public JwtVerifier(Set<String> issuers, String audience, JwksCache keys, Clock clock) {
        this.issuers = Set.copyOf(issuers);
        this.audience = Objects.requireNonNull(audience, "audience");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The verified token's claims. */
    public JsonNode verify(String token) throws InvalidTokenException {
        String[] parts = token.trim().split("\\.", -1);
        if (parts.length != 3) throw new InvalidTokenException("the bearer token is not a JWT");
        JsonNode header = part(parts[0], "header");
        JsonNode claims = part(parts[1], "claims");
        if (!"RS256".equals(header.path("alg").asText())) {
            throw new InvalidTokenException("the token's algorithm is '" + header.path("alg").asText() + "', not RS256");
        }
        checkSignature(header.path("kid").asText(), parts);
        long now = clock.instant().getEpochSecond();
        if (!issuers.contains(claims.path("iss").asText())) {
            throw new InvalidTokenException("the token's issuer is '" + claims.path("iss").asText() + "', not one of " + issuers);
        }
        if (!audienceMatches(claims.get("aud"))) {
            throw new InvalidTokenException("the token's audience is " + claims.get("aud") + ", not '" + audience + "'");
        }
        if (!claims.path("exp").canConvertToLong() || claims.path("exp").asLong() + SKEW_SECONDS < now) {
            throw new InvalidTokenException("the token has expired (exp " + claims.path("exp").asText() + ")");
        }
        if (claims.path("iat").canConvertToLong() && claims.path("iat").asLong() - SKEW_SECONDS > now) {
            throw new InvalidTokenException("the token was issued in the future (iat " + claims.path("iat").asText() + ")");
        }
        return claims;
    }

    /** Whether the signing keys are being refreshed now. */
    public boolean refreshing() {
        return keys.refreshing();
    }

    private void checkSignature(String kid, String[] parts) throws InvalidTokenException {
        PublicKey key;
        try {
            key = keys.key(kid);
        } catch (IOException e) {
            throw new InvalidTokenException(e.getMessage(), true);
        }
        if (key == null) throw new InvalidTokenException("the token's key id '" + kid + "' is not among the published keys");
        try {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initVerify(key);
            rsa.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!rsa.verify(Base64.getUrlDecoder().decode(parts[2]))) throw new InvalidTokenException("the token's signature is invalid");
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new InvalidTokenException("the token's signature cannot be checked: " + e.getMessage());
        }
    }

    private boolean audienceMatches(JsonNode aud) {
        if (aud == null) return false;
        if (aud.isArray()) {
            for (JsonNode a : aud) if (audience.equals(a.asText())) return true;
            return false;
        }
        return audience.equals(aud.asText());
    }

    private static JsonNode part(String encoded, String what) throws InvalidTokenException {
        try {
            JsonNode node = JSON.readTree(Base64.getUrlDecoder().decode(encoded));
            if (node == null || !node.isObject()) throw new InvalidTokenException("the token's " + what + " is not a JSON object");
            return node;
        } catch (IOException | IllegalArgumentException e) {
            throw new InvalidTokenException("the token's " + what + " cannot be read");
        }
    }
}
