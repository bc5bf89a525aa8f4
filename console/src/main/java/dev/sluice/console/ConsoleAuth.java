package dev.sluice.console;

import dev.sluice.ConfigurationException;
import dev.sluice.runtime.config.ConsoleSettings;
import java.util.Objects;
import java.util.Optional;

/**
 * How people prove who they are to the console: a bearer token per role, or an OIDC ID token whose claim maps to a
 * role. Either is accepted as {@code Authorization: Bearer} or through the login form (which sets an HttpOnly,
 * SameSite=Strict session cookie).
 */
public sealed interface ConsoleAuth {

    /** A token per role (either may be absent: that role cannot log in); tokens are compared in constant time. */
    static ConsoleAuth tokens(String viewerToken, String operatorToken) {
        return new Tokens(Optional.ofNullable(viewerToken), Optional.ofNullable(operatorToken));
    }

    /** ID tokens of {@code oidc}'s issuer, verified against its JWKS, roles from {@code oidc.roleClaim()}. */
    static ConsoleAuth oidc(ConsoleSettings.Oidc oidc) {
        return new Oidc(oidc);
    }

    /** The mode {@code settings} name, or empty for {@code none} or no mode (the console decides what that means). */
    static Optional<ConsoleAuth> of(ConsoleSettings settings) {
        return settings.auth().flatMap(a -> switch (a) {
            case TOKEN -> Optional.of(tokens(settings.viewerToken().orElse(null), settings.operatorToken().orElse(null)));
            case OIDC -> settings.oidc().map(ConsoleAuth::oidc);
            case NONE -> Optional.empty();
        });
    }

    /** Bearer tokens; {@link #toString()} never shows them. */
    record Tokens(Optional<String> viewer, Optional<String> operator) implements ConsoleAuth {
        public Tokens {
            Objects.requireNonNull(viewer, "viewer");
            Objects.requireNonNull(operator, "operator");
            if (viewer.isEmpty() && operator.isEmpty()) {
                throw new ConfigurationException("console token auth needs a viewer token, an operator token or both");
            }
            for (Optional<String> t : java.util.List.of(viewer, operator)) {
                if (t.isPresent() && t.get().length() < ConsoleSettings.MIN_TOKEN_LENGTH) {
                    throw new ConfigurationException("a console token is " + t.get().length() + " characters long: it needs at least "
                            + ConsoleSettings.MIN_TOKEN_LENGTH);
                }
            }
            if (viewer.isPresent() && viewer.equals(operator)) {
                throw new ConfigurationException("the viewer and operator tokens are equal: give each role its own");
            }
        }

        @Override
        public String toString() {
            return "Tokens[viewer=" + viewer.map(t -> "***") + ", operator=" + operator.map(t -> "***") + "]";
        }
    }

    /** OIDC ID tokens. */
    record Oidc(ConsoleSettings.Oidc settings) implements ConsoleAuth {
        public Oidc {
            Objects.requireNonNull(settings, "settings");
        }
    }
}
