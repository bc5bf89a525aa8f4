package dev.sluice.console;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.runtime.config.ConsoleSettings;
import dev.sluice.runtime.oidc.InvalidTokenException;
import dev.sluice.runtime.oidc.JwksCache;
import dev.sluice.runtime.oidc.JwtVerifier;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a bearer token into a {@link Principal}, or a refusal; the reasons go to the log, never the token.
 */
abstract class Authenticator implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Authenticator.class);

    /** What a token proves: a principal, nothing (401), or a genuine identity that has no console role (403). */
    sealed interface Verdict {
        /** The token proves {@code who}. */
        record Accepted(Principal who) implements Verdict {
        }

        /** The token proves nothing: unknown, forged, expired, for another audience. */
        record Unknown() implements Verdict {
        }

        /** The token is genuine, but {@code name} has none of the console's roles. */
        record NoRole(String name) implements Verdict {
        }

        default Optional<Principal> accepted() {
            return this instanceof Accepted a ? Optional.of(a.who()) : Optional.empty();
        }
    }

    /** What {@code token} proves. */
    abstract Verdict authenticate(String token);

    @Override
    public void close() {
    }

    static Authenticator of(ConsoleAuth auth, Clock clock) {
        if (auth instanceof ConsoleAuth.Tokens t) return new TokenAuthenticator(t);
        return new OidcAuthenticator(((ConsoleAuth.Oidc) auth).settings(), clock);
    }

    /** Nobody is asked (the explicit opt-out): everyone is an operator named {@code anonymous}. */
    static Authenticator none() {
        return new Authenticator() {
            @Override
            Verdict authenticate(String token) {
                return new Verdict.Accepted(new Principal("anonymous", Role.OPERATOR, "none", null));
            }
        };
    }

    static String digest(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A token per role, compared in constant time (digests of equal length, {@link MessageDigest#isEqual}). */
    static final class TokenAuthenticator extends Authenticator {
        private final byte[] viewer;
        private final byte[] operator;

        TokenAuthenticator(ConsoleAuth.Tokens tokens) {
            this.viewer = tokens.viewer().map(TokenAuthenticator::sha256).orElse(null);
            this.operator = tokens.operator().map(TokenAuthenticator::sha256).orElse(null);
        }

        @Override
        Verdict authenticate(String token) {
            byte[] given = sha256(token);
            boolean isOperator = operator != null && MessageDigest.isEqual(operator, given);
            boolean isViewer = viewer != null && MessageDigest.isEqual(viewer, given);
            String id = "bearer:" + Base64.getUrlEncoder().withoutPadding().encodeToString(given);
            if (isOperator) return new Verdict.Accepted(new Principal("operator-token", Role.OPERATOR, id, null));
            if (isViewer) return new Verdict.Accepted(new Principal("viewer-token", Role.VIEWER, id, null));
            log.info("console: a bearer token matched no role");
            return new Verdict.Unknown();
        }

        private static byte[] sha256(String s) {
            try {
                return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * ID tokens verified by the shared {@link JwtVerifier}; the role from the configured claim (a string or a list):
     * operator when a value is among the operators' values, else viewer when among the viewers', else refused. The
     * name is the {@code email} claim, or {@code sub}.
     */
    static final class OidcAuthenticator extends Authenticator {
        private final ConsoleSettings.Oidc settings;
        private final JwksCache keys;
        private final JwtVerifier verifier;

        OidcAuthenticator(ConsoleSettings.Oidc settings, Clock clock) {
            this.settings = settings;
            this.keys = new JwksCache(settings.jwksUri(), clock);
            this.verifier = new JwtVerifier(Set.of(settings.issuer()), settings.audience(), keys, clock);
        }

        @Override
        Verdict authenticate(String token) {
            JsonNode claims;
            try {
                claims = verifier.verify(token);
            } catch (InvalidTokenException e) {
                log.info("console: an ID token was refused: {}", e.getMessage());
                return new Verdict.Unknown();
            }
            String name = claims.hasNonNull("email") ? claims.get("email").asText() : claims.path("sub").asText("unknown");
            Optional<Role> role = role(claims.get(settings.roleClaim()));
            if (role.isEmpty()) {
                log.info("console: {} has no role: none of its '{}' values is mapped", name, settings.roleClaim());
                return new Verdict.NoRole(name);
            }
            Instant expires = claims.path("exp").canConvertToLong() ? Instant.ofEpochSecond(claims.get("exp").asLong()) : null;
            return new Verdict.Accepted(new Principal(name, role.get(), "oidc:" + digest(token), expires));
        }

        private Optional<Role> role(JsonNode claim) {
            if (claim == null) return Optional.empty();
            java.util.List<String> values = new java.util.ArrayList<>();
            if (claim.isArray()) claim.forEach(v -> values.add(v.asText()));
            else values.add(claim.asText());
            if (values.stream().anyMatch(settings.operators()::contains)) return Optional.of(Role.OPERATOR);
            if (values.stream().anyMatch(settings.viewers()::contains)) return Optional.of(Role.VIEWER);
            return Optional.empty();
        }

        @Override
        public void close() {
            keys.close();
        }
    }
}
