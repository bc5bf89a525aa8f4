package dev.sluice.runtime.oidc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RSA signing keys published at a JWKS URL (Google's {@code https://www.googleapis.com/oauth2/v3/certs}, an
 * identity provider's {@code jwks_uri}),
 * by key id, cached for the {@code max-age} the response's {@code Cache-Control} gives (an hour when it gives
 * none). It survives an outage of the URL:
 * <ul>
 *   <li>refreshes run on a background thread, one at a time; verification never waits for one under a lock,
 *       and a key it knows is answered at once, from stale keys too;</li>
 *   <li>a failed refresh keeps the keys it had and backs off exponentially, {@value #MIN_BACKOFF_SECONDS} s
 *       doubling up to {@value #MAX_BACKOFF_SECONDS} s, so the endpoint is not hammered;</li>
 *   <li>an unknown key id refreshes early (Google rotates keys), at most once a minute, and waits for that
 *       refresh a few seconds at most;</li>
 *   <li>only the very first fetch, with no keys at all, is waited for in full.</li>
 * </ul>
 */
public final class JwksCache implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(JwksCache.class);
    private static final Pattern MAX_AGE = Pattern.compile("max-age=(\\d+)");
    private static final Duration DEFAULT_TTL = Duration.ofHours(1);
    static final Duration MIN_REFRESH = Duration.ofMinutes(1);
    static final long MIN_BACKOFF_SECONDS = 1;
    static final long MAX_BACKOFF_SECONDS = 300;
    private static final Duration FETCH_TIMEOUT = Duration.ofSeconds(10);
    /** How long a token with an unknown key id waits for the refresh it started. */
    private static final Duration UNKNOWN_KID_WAIT = Duration.ofSeconds(5);
    private static final int MAX_JWKS_BYTES = 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI uri;
    private final Clock clock;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ExecutorService refresher = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "sluice-jwks-refresh");
        t.setDaemon(true);
        return t;
    });

    // all guarded by this
    private Map<String, PublicKey> keys;          // null until the first fetch succeeds
    private Instant expires = Instant.MIN;
    private Instant lastAttempt = Instant.MIN;
    private Instant notBefore = Instant.MIN;      // backing off until then
    private Duration backoff = Duration.ZERO;
    private CompletableFuture<Void> running;      // the refresh in flight, or null

    /** The keys published at {@code uri}; nothing is fetched until the first {@link #key}. */
    public JwksCache(URI uri, Clock clock) {
        this.uri = uri;
        this.clock = clock;
    }

    /**
     * The key with id {@code kid}, or null when the published set has none.
     *
     * @throws IOException when no keys could ever be fetched
     */
    public PublicKey key(String kid) throws IOException {
        CompletableFuture<Void> wait;
        Duration waitFor;
        synchronized (this) {
            Instant now = clock.instant();
            boolean known = keys != null && keys.containsKey(kid);
            boolean due = keys == null || now.isAfter(expires)
                    || (!known && !now.isBefore(lastAttempt.plus(MIN_REFRESH)));
            if (due && running == null && !now.isBefore(notBefore)) start(now);
            if (known) return keys.get(kid);
            wait = running;
            waitFor = keys == null ? FETCH_TIMEOUT.plusSeconds(5) : UNKNOWN_KID_WAIT;
        }
        if (wait != null) {
            try {
                wait.get(waitFor.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                // the refresh logs its own failure; answer from what is there
            }
        }
        synchronized (this) {
            if (keys == null) throw new IOException("no signing keys could be fetched from " + uri + " yet");
            return keys.get(kid);
        }
    }

    /** Whether a refresh is running now. */
    public synchronized boolean refreshing() {
        return running != null;
    }

    private void start(Instant now) {
        lastAttempt = now;
        running = CompletableFuture.runAsync(this::refresh, refresher);
    }

    /** On the refresher thread: fetches, then updates the state under the lock (never fetches under it). */
    private void refresh() {
        try {
            HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(uri).timeout(FETCH_TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            byte[] body;
            try (InputStream in = response.body()) {
                body = in.readNBytes(MAX_JWKS_BYTES + 1);
            }
            if (response.statusCode() != 200) throw new IOException("the JWKS endpoint answered " + response.statusCode());
            if (body.length > MAX_JWKS_BYTES) throw new IOException("the JWKS is larger than " + MAX_JWKS_BYTES + " bytes");
            Map<String, PublicKey> fetched = parse(body);
            Matcher m = MAX_AGE.matcher(response.headers().firstValue("cache-control").orElse(""));
            Duration ttl = m.find() ? Duration.ofSeconds(Long.parseLong(m.group(1))) : DEFAULT_TTL;
            synchronized (this) {
                keys = fetched;
                expires = clock.instant().plus(ttl);
                backoff = Duration.ZERO;
                notBefore = Instant.MIN;
            }
        } catch (IOException | RuntimeException | InterruptedException e) {
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            synchronized (this) {
                backoff = backoff.isZero() ? Duration.ofSeconds(MIN_BACKOFF_SECONDS)
                        : min(backoff.multipliedBy(2), Duration.ofSeconds(MAX_BACKOFF_SECONDS));
                notBefore = clock.instant().plus(backoff);
                log.warn("could not refresh the signing keys from {} ({}); {}; next try in {} s", uri, e.toString(),
                        keys == null ? "no keys yet: tokens cannot be verified" : "keeping the " + keys.size() + " keys fetched before",
                        backoff.toSeconds());
            }
        } finally {
            synchronized (this) {
                running = null;
            }
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    @Override
    public void close() {
        refresher.shutdownNow();
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
