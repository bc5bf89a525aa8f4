package dev.sluice.console;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Login sessions (a random id in an HttpOnly, SameSite=Strict cookie, at most {@link #LIFETIME}, never past the
 * credential's own expiry) and the CSRF rule: a form's token is an HMAC, under a key made at start-up, of the
 * credential the request carries, so a page can post only with the credential it was rendered for.
 */
final class Sessions {
    static final String COOKIE = "sluice_session";
    static final Duration LIFETIME = Duration.ofHours(8);
    static final int MAX_SESSIONS = 10_000;

    private final SecureRandom random = new SecureRandom();
    private final byte[] key = new byte[32];
    private final Map<String, Principal> sessions = new ConcurrentHashMap<>();
    private final Clock clock;

    Sessions(Clock clock) {
        this.clock = clock;
        random.nextBytes(key);
    }

    /** A new session for {@code who}; returns its id. */
    String open(Principal who) {
        Instant now = clock.instant();
        if (sessions.size() >= MAX_SESSIONS) sessions.values().removeIf(p -> p.expires().isBefore(now));
        if (sessions.size() >= MAX_SESSIONS) throw new IllegalStateException("too many console sessions");
        String id = randomId();
        Instant until = now.plus(LIFETIME);
        if (who.expires() != null && who.expires().isBefore(until)) until = who.expires();
        sessions.put(id, who.withCredential("session:" + id, until));
        return id;
    }

    Optional<Principal> find(String id) {
        Principal p = sessions.get(id);
        if (p == null) return Optional.empty();
        if (!p.expires().isAfter(clock.instant())) {
            sessions.remove(id);
            return Optional.empty();
        }
        return Optional.of(p);
    }

    void close(String id) {
        sessions.remove(id);
    }

    String randomId() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** The CSRF token of forms rendered for {@code credentialId}. */
    String csrf(String credentialId) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(credentialId.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    boolean csrfValid(String credentialId, String given) {
        if (given == null) return false;
        return MessageDigest.isEqual(csrf(credentialId).getBytes(StandardCharsets.US_ASCII), given.getBytes(StandardCharsets.US_ASCII));
    }
}
