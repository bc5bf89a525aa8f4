package dev.sluice.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.runtime.config.ConsoleSettings;
import dev.sluice.runtime.oidc.TestIssuer;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The console's OIDC mode with real RS256 ID tokens, verified against a JWKS served on 127.0.0.1 ({@link TestIssuer}):
 * the role claim's values make a viewer or an operator; a token that proves nothing is a 401, a genuine one without a
 * mapped role a 403.
 */
class ConsoleOidcTest {
    private static final String ISSUER = "https://idp.example.test";
    private static final String AUDIENCE = "sluice-console";

    private TestIssuer idp;
    private Shop shop;
    private SluiceConsole console;
    private Http http;

    @BeforeEach
    void start() {
        idp = TestIssuer.start();
        shop = new Shop();
        ConsoleSettings.Oidc oidc = new ConsoleSettings.Oidc(ISSUER, AUDIENCE, idp.jwksUri(), "groups",
                List.of("sluice-operators"), List.of("sluice-viewers", "support"));
        console = SluiceConsole.builder(shop.sluice).queue("orders", shop.orders).host("127.0.0.1").port(0)
                .auth(ConsoleAuth.oidc(oidc)).start();
        http = new Http(console.port());
    }

    @AfterEach
    void stop() {
        if (console != null) console.close();
        shop.close();
        idp.close();
    }

    private static Map<String, Object> person(String email, Object groups) {
        Map<String, Object> c = TestIssuer.claims(ISSUER, AUDIENCE, "user-" + email.hashCode());
        c.put("email", email);
        if (groups != null) c.put("groups", groups);
        return c;
    }

    @Test
    void aViewerClaimMakesAViewerWhoReadsButCannotRedrive() throws Exception {
        shop.deadLetter(2, 0);
        String token = idp.token(person("ana@example.test", List.of("support")));
        HttpResponse<String> home = http.get("/", token);
        assertThat(home.statusCode()).isEqualTo(200);
        assertThat(home.body()).contains("Signed in as <strong>ana@example.test</strong> (viewer)").doesNotContain(token);
        String dlq = "/queues/orders/dead-letters";
        assertThat(http.get(dlq, token).body()).contains("payment service refused the card").doesNotContain("redrive-matching");
        assertThat(http.post(dlq + "/redrive", token, Map.of("csrf", http.csrf(dlq, token), "scope", "matching")).statusCode())
                .isEqualTo(403);
        assertThat(shop.dlqDepth()).isEqualTo(2);
        assertThat(idp.jwksRequests()).as("the keys are fetched once and cached").isEqualTo(1);
    }

    @Test
    void anOperatorClaimMakesAnOperatorWhoRedrives() throws Exception {
        shop.deadLetter(2, 0);
        shop.paymentsDown.set(false);
        // the claim as a list with an unmapped value first, and as a single string
        String token = idp.token(person("bo@example.test", List.of("everyone", "sluice-operators")));
        assertThat(http.get("/", idp.token(person("cy@example.test", "sluice-operators"))).body()).contains("(operator)");
        assertThat(http.get("/", token).body()).contains("Signed in as <strong>bo@example.test</strong> (operator)");
        String dlq = "/queues/orders/dead-letters";
        try (AuditCapture audit = new AuditCapture()) {
            HttpResponse<String> r = http.post(dlq + "/redrive", token, Map.of("csrf", http.csrf(dlq, token), "scope", "matching"));
            assertThat(r.body()).contains("2 moved back");
            assertThat(audit.lines()).singleElement().satisfies(line -> assertThat(line)
                    .contains("who=bo@example.test", "role=operator", "action=redrive", "count=2").doesNotContain(token));
        }
    }

    @Test
    void theLoginFormTakesAnIdTokenAndTheSessionEndsWithIt() throws Exception {
        String token = idp.token(person("di@example.test", List.of("sluice-viewers")));
        HttpResponse<String> form = http.get("/login", null);
        assertThat(form.body()).contains("ID token");
        String loginCookie = form.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        Matcher m = Pattern.compile("name=\"login_csrf\" value=\"([^\"]+)\"").matcher(form.body());
        assertThat(m.find()).isTrue();
        HttpResponse<String> ok = http.postWithCookie("/login", loginCookie, List.of("login_csrf", m.group(1), "token", token));
        assertThat(ok.statusCode()).isEqualTo(303);
        String session = ok.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(Sessions.COOKIE)).findFirst()
                .orElseThrow();
        assertThat(http.getWithCookie("/", session.split(";")[0]).body()).contains("(viewer)");

        HttpResponse<String> noRole = http.postWithCookie("/login", loginCookie,
                List.of("login_csrf", m.group(1), "token", idp.token(person("ed@example.test", null))));
        assertThat(noRole.statusCode()).isEqualTo(403);
        assertThat(noRole.body()).contains("ed@example.test is signed in, but has none of this console&#39;s roles");
    }

    @Test
    void expiredWrongAudienceUnknownKeyForgedOrOtherIssuerTokensAre401() throws Exception {
        Map<String, Object> expired = person("ana@example.test", List.of("sluice-operators"));
        expired.put("exp", Instant.now().getEpochSecond() - 3600);
        Map<String, Object> otherAudience = person("ana@example.test", List.of("sluice-operators"));
        otherAudience.put("aud", "another-app");
        Map<String, Object> otherIssuer = person("ana@example.test", List.of("sluice-operators"));
        otherIssuer.put("iss", "https://evil.example.test");
        Map<String, Object> good = person("ana@example.test", List.of("sluice-operators"));

        for (String token : List.of(idp.token(expired), idp.token(otherAudience), idp.token(otherIssuer),
                idp.tokenWithKeyId("key-9", good), idp.forgedToken(good), "not-a-jwt")) {
            HttpResponse<String> r = http.get("/", token);
            assertThat(r.statusCode()).as(token).isEqualTo(401);
            assertThat(r.body()).contains("Log in").doesNotContain("Queues</h1>").doesNotContain(token);
        }
        assertThat(http.get("/", idp.token(good)).statusCode()).as("the same claims, properly signed").isEqualTo(200);
    }

    @Test
    void aGenuineTokenWithoutAMappedRoleIs403() throws Exception {
        for (Object groups : java.util.Arrays.asList(null, List.of("everyone"), "marketing", List.of())) {
            HttpResponse<String> r = http.get("/", idp.token(person("fay@example.test", groups)));
            assertThat(r.statusCode()).as("groups %s", groups).isEqualTo(403);
            assertThat(r.body()).contains("none of this console&#39;s roles").doesNotContain("Queues</h1>");
        }
    }
}
