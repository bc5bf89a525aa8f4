package dev.sluice.runtime.config;

import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The web console ({@code sluice-console}): where it listens and who may use it. A host (the poller) serves it when
 * {@link #enabled()}; {@code sluice console} always does. With no {@link #auth()} the console refuses to start;
 * {@link Auth#NONE} must be chosen explicitly. Tokens are never shown by {@link #toString()}.
 *
 * @param enabled       {@code SLUICE_CONSOLE}: {@code on} makes a host serve the console (default {@code off})
 * @param host          {@code SLUICE_CONSOLE_HOST}: the address to listen on (default {@code 0.0.0.0}; 127.0.0.1 is
 *                      forced with {@code SLUICE_CONSOLE_AUTH=none})
 * @param port          {@code SLUICE_CONSOLE_PORT}: the port (default {@value #DEFAULT_PORT}; 0: any free port)
 * @param auth          {@code SLUICE_CONSOLE_AUTH}: {@code token}, {@code oidc} or {@code none}; empty when unset
 *                      (then {@code token} when a token is set, {@code oidc} when an issuer is)
 * @param viewerToken   {@code SLUICE_CONSOLE_VIEWER_TOKEN}: the bearer token of the viewer role
 * @param operatorToken {@code SLUICE_CONSOLE_OPERATOR_TOKEN}: the bearer token of the operator role
 * @param oidc          the OIDC mode's settings ({@code SLUICE_CONSOLE_OIDC_*}), when {@code auth} is {@code oidc}
 */
public record ConsoleSettings(boolean enabled, String host, int port, Optional<Auth> auth, Optional<String> viewerToken,
                              Optional<String> operatorToken, Optional<Oidc> oidc) {
    /** The default port. */
    public static final int DEFAULT_PORT = 8081;
    /** The shortest token accepted. */
    public static final int MIN_TOKEN_LENGTH = 16;

    /** How people prove who they are. */
    public enum Auth {
        /** A bearer token per role. */
        TOKEN,
        /** An OIDC ID token, its claim mapped to a role. */
        OIDC,
        /** Nobody is asked: explicit opt-out, on 127.0.0.1 only. */
        NONE
    }

    /**
     * The OIDC mode.
     *
     * @param issuer    {@code SLUICE_CONSOLE_OIDC_ISSUER}: the accepted {@code iss}
     * @param audience  {@code SLUICE_CONSOLE_OIDC_AUDIENCE}: the required {@code aud} (the console's client id)
     * @param jwksUri   {@code SLUICE_CONSOLE_OIDC_JWKS_URL}: the issuer's signing keys
     * @param roleClaim {@code SLUICE_CONSOLE_OIDC_ROLE_CLAIM}: the claim holding the groups or roles (default
     *                  {@code groups}; a string or a list of strings)
     * @param operators {@code SLUICE_CONSOLE_OIDC_OPERATORS}: claim values that make an operator
     * @param viewers   {@code SLUICE_CONSOLE_OIDC_VIEWERS}: claim values that make a viewer
     */
    public record Oidc(String issuer, String audience, URI jwksUri, String roleClaim, List<String> operators,
                       List<String> viewers) {
        public Oidc {
            Objects.requireNonNull(issuer, "issuer");
            Objects.requireNonNull(audience, "audience");
            Objects.requireNonNull(jwksUri, "jwksUri");
            Objects.requireNonNull(roleClaim, "roleClaim");
            operators = List.copyOf(operators);
            viewers = List.copyOf(viewers);
        }
    }

    public ConsoleSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(auth, "auth");
        Objects.requireNonNull(viewerToken, "viewerToken");
        Objects.requireNonNull(operatorToken, "operatorToken");
        Objects.requireNonNull(oidc, "oidc");
    }

    /** Off, no auth mode. */
    public static ConsoleSettings defaults() {
        return new ConsoleSettings(false, "0.0.0.0", DEFAULT_PORT, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty());
    }

    @Override
    public String toString() {
        return "ConsoleSettings[enabled=" + enabled + ", host=" + host + ", port=" + port + ", auth=" + auth
                + ", viewerToken=" + viewerToken.map(t -> "***") + ", operatorToken=" + operatorToken.map(t -> "***")
                + ", oidc=" + oidc + "]";
    }
}
