package dev.sluice.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.VirtualClock;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** After ten failed logins from one address within a minute, that address gets 429 with Retry-After, for a minute. */
class LoginThrottleTest {
    private final VirtualClock time = new VirtualClock(Instant.parse("2026-11-28T20:00:00Z"));
    private final Clock clock = new Clock() {
        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return time.now();
        }
    };

    @Test
    void tenBadTokensFromOneAddressThenEvenTheRightOneIs429UntilTheMinuteIsOver() throws Exception {
        try (Shop shop = new Shop();
             SluiceConsole console = SluiceConsole.builder(shop.sluice).queue("orders", shop.orders).host("127.0.0.1").port(0)
                     .clock(clock).auth(ConsoleAuth.tokens(ConsoleHttpTest.VIEWER, ConsoleHttpTest.OPERATOR)).start()) {
            Http http = new Http(console.port());
            // five through the form, five as bearer tokens: both are guesses
            HttpResponse<String> form = http.get("/login", null);
            String cookie = form.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
            Matcher m = Pattern.compile("name=\"login_csrf\" value=\"([^\"]+)\"").matcher(form.body());
            assertThat(m.find()).isTrue();
            for (int i = 0; i < 5; i++) {
                assertThat(http.postWithCookie("/login", cookie, List.of("login_csrf", m.group(1), "token", "guess-" + i))
                        .statusCode()).isEqualTo(401);
                time.advance(Duration.ofSeconds(1));
            }
            for (int i = 5; i < 10; i++) {
                assertThat(http.get("/", "guess-" + i).statusCode()).isEqualTo(401);
                time.advance(Duration.ofSeconds(1));
            }
            // 10 s after the first failure: 50 s to wait
            HttpResponse<String> refused = http.get("/", ConsoleHttpTest.VIEWER);
            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("50");
            assertThat(refused.body()).contains("Too many failed logins").doesNotContain(ConsoleHttpTest.VIEWER);
            HttpResponse<String> refusedForm = http.postWithCookie("/login", cookie,
                    List.of("login_csrf", m.group(1), "token", ConsoleHttpTest.VIEWER));
            assertThat(refusedForm.statusCode()).isEqualTo(429);
            assertThat(refusedForm.headers().firstValue("Retry-After")).hasValue("50");

            time.advance(Duration.ofSeconds(50));   // the first failure is a minute old: one more try
            assertThat(http.get("/", ConsoleHttpTest.VIEWER).statusCode()).isEqualTo(200);
            assertThat(http.get("/", "guess-again").statusCode()).isEqualTo(401);
            assertThat(http.get("/", ConsoleHttpTest.VIEWER).statusCode()).as("ten failures within the minute again").isEqualTo(429);
        }
    }

    @Test
    void addressesAreCountedApartAndTheMapStaysBounded() {
        LoginThrottle throttle = new LoginThrottle(clock, 100);
        for (int i = 0; i < LoginThrottle.MAX_FAILURES; i++) throttle.failed("10.0.0.1");
        assertThat(throttle.retryAfter("10.0.0.1")).isEqualTo(Duration.ofMinutes(1));
        assertThat(throttle.retryAfter("10.0.0.2")).isZero();
        for (int i = 0; i < 1000; i++) throttle.failed("10.0.0.1");   // still ten instants, not a thousand and ten
        time.advance(Duration.ofSeconds(61));
        assertThat(throttle.retryAfter("10.0.0.1")).isZero();

        // a hundred addresses fill it: a new one is refused (fail closed) until theirs age out
        for (int i = 0; i < 100; i++) throttle.failed("192.0.2." + i);
        assertThat(throttle.size()).isLessThanOrEqualTo(100);
        assertThat(throttle.retryAfter("198.51.100.7")).isEqualTo(LoginThrottle.WINDOW);
        throttle.failed("198.51.100.7");
        assertThat(throttle.size()).isLessThanOrEqualTo(100);
        assertThat(throttle.retryAfter("192.0.2.5")).as("a known address with one failure").isZero();
        time.advance(Duration.ofSeconds(61));
        assertThat(throttle.retryAfter("198.51.100.7")).isZero();
        assertThat(throttle.size()).as("the aged-out addresses are dropped").isZero();
    }
}
