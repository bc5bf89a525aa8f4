package dev.sluice.runtime.cloudrun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.sluice.runtime.config.PushAuth;
import dev.sluice.testkit.Await;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The signing keys' endpoint goes down, hangs or rotates: verification goes on from the keys it has, refreshes
 * in the background with a bounded exponential backoff, and does not hammer the endpoint. A local JWKS server
 * on 127.0.0.1 and a clock the test moves.
 */
class JwksOutageTest {
    private static final String AUDIENCE = "sluice/acme/orders";
    private static final String ACCOUNT = "orders-push@acme.iam.gserviceaccount.com";
    private static KeyPair key1;
    private static KeyPair key2;

    private final MovableClock clock = new MovableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final AtomicInteger requests = new AtomicInteger();
    /** What the endpoint does: "ok", "fail", or "hang" (until {@link #release}). */
    private final AtomicReference<String> mode = new AtomicReference<>("ok");
    private final AtomicReference<List<KeyPair>> published = new AtomicReference<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private HttpServer jwks;
    private OidcVerifier verifier;

    @BeforeAll
    static void keys() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        key1 = g.generateKeyPair();
        key2 = g.generateKeyPair();
    }

    @BeforeEach
    void start() throws Exception {
        published.set(List.of(key1));
        jwks = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        jwks.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        jwks.createContext("/certs", ex -> {
            requests.incrementAndGet();
            String m = mode.get();
            if (m.equals("hang")) {
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (m.equals("fail")) {
                ex.sendResponseHeaders(500, -1);
                ex.close();
                return;
            }
            byte[] body = jwksBody(published.get());
            ex.getResponseHeaders().set("Cache-Control", "public, max-age=60");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        jwks.start();
        verifier = new OidcVerifier(new PushAuth(AUDIENCE, ACCOUNT,
                URI.create("http://127.0.0.1:" + jwks.getAddress().getPort() + "/certs")), clock);
    }

    @AfterEach
    void stop() {
        release.countDown();
        verifier.close();
        jwks.stop(0);
    }

    @Test
    void staleKeysKeepVerifyingWhileTheEndpointFailsAndItIsNotHammered() throws Exception {
        verifier.verify(bearer("key-1", key1));
        assertThat(requests.get()).isEqualTo(1);

        mode.set("fail");
        clock.advance(Duration.ofMinutes(5)); // the keys' max-age (60 s) is long past
        for (int i = 0; i < 50; i++) verifier.verify(bearer("key-1", key1));
        Await.until("one background refresh attempt", () -> requests.get() == 2 && !verifier.refreshing());
        for (int i = 0; i < 50; i++) verifier.verify(bearer("key-1", key1));
        assertThat(requests.get()).as("backing off 1 s: no second attempt yet").isEqualTo(2);

        clock.advance(Duration.ofSeconds(1));
        verifier.verify(bearer("key-1", key1));
        Await.until("the attempt after 1 s", () -> requests.get() == 3 && !verifier.refreshing());
        clock.advance(Duration.ofSeconds(1));
        for (int i = 0; i < 20; i++) verifier.verify(bearer("key-1", key1));
        assertThat(requests.get()).as("backing off 2 s now").isEqualTo(3);
        // unknown key ids do not get past the backoff either
        clock.advance(Duration.ofMinutes(1)); // past the unknown-kid minute; backoff 2 s ended too
        for (int i = 0; i < 20; i++) {
            assertThatThrownBy(() -> verifier.verify(bearer("key-9", key2))).isInstanceOf(Rejected.class)
                    .extracting(r -> ((Rejected) r).status).isEqualTo(401);
        }
        Await.until("one attempt for all of them", () -> requests.get() == 4);
        Thread.sleep(100);
        assertThat(requests.get()).isEqualTo(4);

        mode.set("ok");
        clock.advance(Duration.ofSeconds(10)); // past the 4 s backoff
        verifier.verify(bearer("key-1", key1));
        Await.until("the recovery", () -> requests.get() == 5);
    }

    @Test
    void theBackoffDoublesFromOneSecondUpToFiveMinutes() throws Exception {
        verifier.verify(bearer("key-1", key1));
        mode.set("fail");
        clock.advance(Duration.ofMinutes(5));
        verifier.verify(bearer("key-1", key1));
        Await.until("the first failed attempt", () -> requests.get() == 2 && !verifier.refreshing());
        int attempts = 2;
        for (long backoff : new long[] {1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300}) {
            clock.advance(Duration.ofSeconds(backoff - 1));
            verifier.verify(bearer("key-1", key1));
            assertThat(verifier.refreshing()).as("no attempt 1 s before the %d s backoff ends", backoff).isFalse();
            clock.advance(Duration.ofSeconds(1));
            verifier.verify(bearer("key-1", key1));
            int expected = ++attempts;
            Await.until("the attempt after " + backoff + " s", () -> requests.get() == expected && !verifier.refreshing());
        }
        assertThat(requests.get()).isEqualTo(14);
    }

    @Test
    void aHangingRefreshNeverBlocksVerification() throws Exception {
        verifier.verify(bearer("key-1", key1));
        mode.set("hang");
        clock.advance(Duration.ofMinutes(5));
        String token = bearer("key-1", key1);
        CompletableFuture<Void> verified = CompletableFuture.runAsync(() -> {
            try {
                for (int i = 0; i < 10; i++) verifier.verify(token);
            } catch (Rejected e) {
                throw new IllegalStateException(e);
            }
        });
        Await.until("the refresh is hanging at the endpoint", () -> requests.get() == 2);
        verified.get(5, TimeUnit.SECONDS); // done while the refresh still hangs
        assertThat(release.getCount()).isEqualTo(1);
    }

    @Test
    void anUnknownKeyIdRefreshesEarlyAtMostOnceAMinute() throws Exception {
        verifier.verify(bearer("key-1", key1));
        published.set(List.of(key1, key2)); // Google publishes a new key
        clock.advance(Duration.ofSeconds(10));
        assertThatThrownBy(() -> verifier.verify(bearer("key-2", key2))).isInstanceOf(Rejected.class);
        assertThat(requests.get()).as("within a minute of the last fetch").isEqualTo(1);

        clock.advance(Duration.ofMinutes(1));
        verifier.verify(bearer("key-2", key2)); // refreshes, waits for it, verifies
        assertThat(requests.get()).isEqualTo(2);
        for (int i = 0; i < 20; i++) {
            assertThatThrownBy(() -> verifier.verify(bearer("key-9", key2))).isInstanceOf(Rejected.class);
        }
        assertThat(requests.get()).isEqualTo(2);
    }

    @Test
    void withNoKeysAtAllRequestsAre503AndTheEndpointIsNotHammered() throws Exception {
        mode.set("fail");
        for (int i = 0; i < 20; i++) {
            assertThatThrownBy(() -> verifier.verify(bearer("key-1", key1))).isInstanceOf(Rejected.class)
                    .extracting(r -> ((Rejected) r).status).isEqualTo(503);
        }
        assertThat(requests.get()).isEqualTo(1);
        mode.set("ok");
        clock.advance(Duration.ofSeconds(1));
        verifier.verify(bearer("key-1", key1));
        assertThat(requests.get()).isEqualTo(2);
    }

    private String bearer(String kid, KeyPair key) throws Exception {
        long now = clock.instant().getEpochSecond();
        Map<String, Object> c = new HashMap<>();
        c.put("iss", "https://accounts.google.com");
        c.put("aud", AUDIENCE);
        c.put("email", ACCOUNT);
        c.put("email_verified", true);
        c.put("iat", now - 10);
        c.put("exp", now + 3590);
        return "Bearer " + OidcTest.jwt("RS256", kid, c, key.getPrivate());
    }

    private static byte[] jwksBody(List<KeyPair> keys) {
        StringBuilder b = new StringBuilder("{\"keys\":[");
        for (int i = 0; i < keys.size(); i++) {
            RSAPublicKey pub = (RSAPublicKey) keys.get(i).getPublic();
            b.append(i > 0 ? "," : "").append("{\"kty\":\"RSA\",\"alg\":\"RS256\",\"kid\":\"key-").append(i + 1)
                    .append("\",\"n\":\"").append(b64(pub.getModulus())).append("\",\"e\":\"").append(b64(pub.getPublicExponent()))
                    .append("\"}");
        }
        return b.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String b64(BigInteger n) {
        byte[] bytes = n.toByteArray();
        if (bytes[0] == 0) bytes = java.util.Arrays.copyOfRange(bytes, 1, bytes.length);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** A clock the test moves. */
    static final class MovableClock extends Clock {
        private volatile Instant now;

        MovableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
