package dev.sluice.console;

import java.time.Instant;

/**
 * Who is asking: a name for the audit log (never a token), a role, and the credential the request carried, by an
 * id (a session id, or a digest of a bearer token) to which its CSRF token is bound.
 *
 * @param expires when the credential stops being valid (a session's end, an ID token's {@code exp}), or null
 */
record Principal(String name, Role role, String credentialId, Instant expires) {
    Principal withCredential(String id, Instant until) {
        return new Principal(name, role, id, until);
    }
}
