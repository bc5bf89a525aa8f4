package dev.sluice.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.ConfigurationException;
import dev.sluice.DeadLetter;
import dev.sluice.spi.OutboundMessage;
import dev.sluice.testkit.Await;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The console over plain HTTP on {@code mem://} with real dead letters (a worker whose handler throws
 * {@code PermanentFailureException}): who gets in, what each role may do, CSRF, the audit log, paging, purge, and a
 * message that is not a CloudEvent.
 */
class ConsoleHttpTest {
    static final String VIEWER = "viewer-token-0123456789";
    static final String OPERATOR = "operator-token-0123456789";
    private static final Pattern ROW = Pattern.compile("<tr class=\"dead-letter\">");

    private Shop shop;
    private SluiceConsole console;
    private Http http;
    private String dlq;

    @BeforeEach
    void start() {
        shop = new Shop();
        console = SluiceConsole.builder(shop.sluice).queue("orders", shop.orders).host("127.0.0.1").port(0)
                .auth(ConsoleAuth.tokens(VIEWER, OPERATOR)).start();
        http = new Http(console.port());
        dlq = "/queues/orders/dead-letters";
    }

    @AfterEach
    void stop() {
        if (console != null) console.close();
        shop.close();
    }

    @Test
    void refusesToStartWithoutAnAuthModeUnlessTurnedOffExplicitly() {
        assertThatThrownBy(() -> SluiceConsole.builder(shop.sluice).queue("orders", shop.orders).port(0).start())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("SLUICE_CONSOLE_AUTH");
        assertThatThrownBy(() -> ConsoleAuth.tokens("short", null))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("at least 16");
        try (SluiceConsole open = SluiceConsole.builder(shop.sluice).queue("orders", shop.orders).port(0)
                .insecureNoAuth(true).start()) {
            assertThat(new Http(open.port()).getStatus("/")).isEqualTo(200);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void nobodyGetsInWithoutAValidToken() throws Exception {
        shop.deadLetter(2, 0);
        for (String path : List.of("/", "/queues/orders", dlq)) {
            HttpResponse<String> r = http.get(path, null);
            assertThat(r.statusCode()).as(path).isEqualTo(401);
            assertThat(r.body()).contains("Log in").doesNotContain("order.placed");
            assertThat(http.get(path, "not-a-token-of-this-console").statusCode()).isEqualTo(401);
        }
        assertThat(http.post(dlq + "/redrive", null, Map.of("scope", "matching")).statusCode()).isEqualTo(401);
        assertThat(shop.dlqDepth()).isEqualTo(2);
    }

    @Test
    void aViewerReadsReasonsButNeverPayloadsAndCannotRedrive() throws Exception {
        shop.deadLetter(3, 0);
        HttpResponse<String> page = http.get(dlq, VIEWER);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(count(page.body())).isEqualTo(3);
        assertThat(page.body()).contains("payment service refused the card").doesNotContain("4111-secret");
        String id = firstId(page.body());
        HttpResponse<String> message = http.get(dlq + "/message?id=" + id, VIEWER);
        assertThat(message.body()).contains("Redacted").doesNotContain("4111-secret").doesNotContain("show-data");

        String csrf = http.csrf(dlq, VIEWER);
        assertThat(http.post(dlq + "/redrive", VIEWER, Map.of("csrf", csrf, "scope", "matching")).statusCode()).isEqualTo(403);
        assertThat(http.post(dlq + "/message/data", VIEWER, Map.of("csrf", csrf, "id", id)).statusCode()).isEqualTo(403);
        assertThat(http.post(dlq + "/purge", VIEWER, Map.of("csrf", csrf, "confirm", "yes")).statusCode()).isEqualTo(403);
        assertThat(shop.dlqDepth()).isEqualTo(3);
    }

    @Test
    void everyChangeNeedsTheCsrfTokenOfItsOwnCredential() throws Exception {
        shop.deadLetter(2, 0);
        assertThat(http.post(dlq + "/redrive", OPERATOR, Map.of("scope", "matching")).statusCode()).isEqualTo(403);
        String viewersCsrf = http.csrf(dlq, VIEWER);
        assertThat(http.post(dlq + "/redrive", OPERATOR, Map.of("csrf", viewersCsrf, "scope", "matching")).statusCode())
                .isEqualTo(403);
        assertThat(http.post(dlq + "/purge", OPERATOR, Map.of("csrf", "forged", "confirm", "yes")).statusCode()).isEqualTo(403);
        assertThat(shop.dlqDepth()).isEqualTo(2);
    }

    @Test
    void anOperatorRedrivesAFilteredSetAndEachChangeIsOneAuditLine() throws Exception {
        shop.deadLetter(4, 3);
        shop.paymentsDown.set(false);
        String csrf = http.csrf(dlq, OPERATOR);
        try (AuditCapture audit = new AuditCapture()) {
            HttpResponse<String> r = http.post(dlq + "/redrive", OPERATOR,
                    Map.of("csrf", csrf, "scope", "matching", "type", Shop.PLACED, "reason", "REFUSED THE CARD"));
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("4 moved back");
            Await.until("the redriven orders handled", () -> shop.handled.size() == 4);
            assertThat(shop.dlqDepth()).isEqualTo(3);
            assertThat(audit.lines()).singleElement().satisfies(line -> assertThat(line)
                    .contains("who=operator-token", "role=operator", "action=redrive", "queue=orders", "count=4",
                            "type=order.placed").doesNotContain(OPERATOR).doesNotContain("4111"));
        }
    }

    @Test
    void showingAPayloadIsAnOperatorActionWrittenToTheAuditLog() throws Exception {
        shop.deadLetter(1, 0);
        String id = firstId(http.get(dlq, OPERATOR).body());
        HttpResponse<String> message = http.get(dlq + "/message?id=" + id, OPERATOR);
        assertThat(message.body()).contains("Redacted").contains("show-data").doesNotContain("4111-secret");
        try (AuditCapture audit = new AuditCapture()) {
            HttpResponse<String> shown = http.post(dlq + "/message/data", OPERATOR, Map.of("csrf", http.csrf(dlq, OPERATOR), "id", id));
            assertThat(shown.statusCode()).isEqualTo(200);
            assertThat(shown.body()).contains("4111-secret-0");
            assertThat(audit.lines()).singleElement().satisfies(line -> assertThat(line)
                    .contains("action=show-data", "count=1", "id=" + id).doesNotContain("4111"));
        }
    }

    @Test
    void aMessageThatIsNotACloudEventIsShownAsRawBytesWithTheReasonAndIsStillRedrivable() throws Exception {
        var driver = shop.sluice.driver(shop.sluice.deadLetters(shop.orders).uri());
        driver.send(List.of(new OutboundMessage("raw-1", new byte[] {'{', 'x', 0x01, (byte) 0xff}, Map.of("ce-type", "order.placed"), null, null, Duration.ZERO)));
        Await.until("in the DLQ", () -> shop.dlqDepth() == 1);
        HttpResponse<String> page = http.get(dlq, OPERATOR);
        assertThat(page.body()).contains("undecodable");
        String id = firstId(page.body());
        assertThat(http.get(dlq + "/message?id=" + id, VIEWER).body()).contains("Decode error").doesNotContain("\\x01");
        HttpResponse<String> data = http.post(dlq + "/message/data", OPERATOR, Map.of("csrf", http.csrf(dlq, OPERATOR), "id", id));
        assertThat(data.body()).contains("not a valid CloudEvent").contains("{x\\x01\\xff").contains("7b 78 01 ff");

        HttpResponse<String> r = http.post(dlq + "/redrive", OPERATOR, List.of("csrf", http.csrf(dlq, OPERATOR), "scope", "selected", "id", id));
        assertThat(r.body()).contains("1 moved back");
    }

    @Test
    void purgeAsksForConfirmationThenDeletesWhatMatches() throws Exception {
        shop.deadLetter(2, 3);
        String csrf = http.csrf(dlq, OPERATOR);
        HttpResponse<String> confirm = http.post(dlq + "/purge", OPERATOR, Map.of("csrf", csrf, "type", Shop.INVOICE));
        assertThat(confirm.statusCode()).isEqualTo(200);
        assertThat(confirm.body()).contains("cannot be undone").contains("purge-confirm");
        assertThat(shop.dlqDepth()).isEqualTo(5);
        try (AuditCapture audit = new AuditCapture()) {
            HttpResponse<String> done = http.post(dlq + "/purge", OPERATOR, Map.of("csrf", csrf, "type", Shop.INVOICE, "confirm", "yes"));
            assertThat(done.body()).contains("3 dead letters deleted");
            assertThat(audit.lines()).singleElement().satisfies(line -> assertThat(line)
                    .contains("action=purge", "count=3", "type=invoice.sent"));
        }
        assertThat(shop.dlqDepth()).isEqualTo(2);
    }

    @Test
    void tenThousandDeadLettersArePagedFiftyAtATime() throws Exception {
        var driver = shop.sluice.driver(shop.sluice.deadLetters(shop.orders).uri());
        List<DeadLetter> sample = new ArrayList<>();
        shop.deadLetter(1, 0);
        DeadLetter one = shop.sluice.deadLetters(shop.orders).peek(1).get(0);
        sample.add(one);
        List<OutboundMessage> batch = new ArrayList<>();
        for (int i = 1; i < 10_000; i++) {
            batch.add(new OutboundMessage("copy-" + i, one.body(), one.attributes(), null, null, Duration.ZERO));
            if (batch.size() == 10) {
                driver.send(batch);
                batch.clear();
            }
        }
        if (!batch.isEmpty()) driver.send(batch);
        Await.until("10,000 dead letters", () -> shop.dlqDepth() == 10_000);

        HttpResponse<String> first = http.get(dlq, VIEWER);
        assertThat(count(first.body())).isEqualTo(DeadLetterBrowser.PAGE_SIZE);
        assertThat(first.body()).contains("id=\"next-page\"").contains("page=1");
        HttpResponse<String> third = http.get(dlq + "?type=&reason=&page=2", VIEWER);
        assertThat(count(third.body())).isEqualTo(DeadLetterBrowser.PAGE_SIZE);
        assertThat(third.body()).contains("rel=\"prev\"").contains("Page 3");
        // the browse behind a page keeps one page of dead letters (bodies included), never the whole queue
        assertThat(shop.sluice.deadLetters(shop.orders).browse(dev.sluice.DeadLetterFilter.all(), 100, 50).letters()).hasSize(50);
        assertThat(shop.dlqDepth()).isEqualTo(10_000);
    }

    @Test
    void theLoginFormSetsAnHttpOnlySameSiteStrictSessionCookie() throws Exception {
        HttpResponse<String> form = http.get("/login", null);
        String loginCookie = form.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        Matcher m = Pattern.compile("name=\"login_csrf\" value=\"([^\"]+)\"").matcher(form.body());
        assertThat(m.find()).isTrue();
        HttpResponse<String> wrong = http.postWithCookie("/login", loginCookie, List.of("login_csrf", m.group(1), "token", "wrong-token-0123456789"));
        assertThat(wrong.statusCode()).isEqualTo(401);
        HttpResponse<String> noCsrf = http.postWithCookie("/login", loginCookie, List.of("token", VIEWER));
        assertThat(noCsrf.statusCode()).isEqualTo(403);
        HttpResponse<String> ok = http.postWithCookie("/login", loginCookie, List.of("login_csrf", m.group(1), "token", VIEWER));
        assertThat(ok.statusCode()).isEqualTo(303);
        String session = ok.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(Sessions.COOKIE)).findFirst().orElseThrow();
        assertThat(session).containsIgnoringCase("HttpOnly").containsIgnoringCase("SameSite=Strict").doesNotContain(VIEWER);
        HttpResponse<String> home = http.getWithCookie("/", session.split(";")[0]);
        assertThat(home.statusCode()).isEqualTo(200);
        assertThat(home.body()).contains("Signed in as <strong>viewer-token</strong> (viewer)");
    }

    @Test
    void anUnknownQueueIsA404NamingTheConfiguredOnes() throws Exception {
        HttpResponse<String> r = http.get("/queues/nope/dead-letters", VIEWER);
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body()).contains("no queue named").contains("orders");
    }

    private static int count(String html) {
        Matcher m = ROW.matcher(html);
        int n = 0;
        while (m.find()) n++;
        return n;
    }

    private static String firstId(String html) {
        Matcher m = Pattern.compile("/message\\?id=([^\"]+)\"").matcher(html);
        if (!m.find()) throw new AssertionError("no dead letter listed");
        return m.group(1);
    }
}
