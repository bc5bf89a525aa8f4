package dev.sluice.runtime.config;

import java.net.URI;
import java.util.Objects;

/**
 * Verification of the OIDC token Pub/Sub push puts in {@code Authorization: Bearer}: on when
 * {@code SLUICE_PUSH_AUDIENCE} and {@code SLUICE_PUSH_SERVICE_ACCOUNT} are set.
 *
 * @param audience       the {@code aud} the token must carry
 * @param serviceAccount the {@code email} the token must carry (the push subscription's service account)
 * @param jwksUri        where the signing keys are published (Google's by default)
 */
public record PushAuth(String audience, String serviceAccount, URI jwksUri) {
    /** Google's published OAuth2 signing keys. */
    public static final URI GOOGLE_JWKS = URI.create("https://www.googleapis.com/oauth2/v3/certs");

    public PushAuth {
        Objects.requireNonNull(audience, "audience");
        Objects.requireNonNull(serviceAccount, "serviceAccount");
        Objects.requireNonNull(jwksUri, "jwksUri");
    }
}
