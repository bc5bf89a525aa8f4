package dev.sluice.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.QueueSpec;
import dev.sluice.core.Sluice;
import dev.sluice.micrometer.SluiceMetrics;
import dev.sluice.testkit.Await;
import dev.sluice.worker.Worker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The overview and the DLQ browser as a person reads them: times to the second with the full instant in the markup,
 * charts that show a few samples, handled and failed rates from Micrometer, and a broker that cannot be reached.
 */
class ConsoleOverviewTest {
    private static final String VIEWER = ConsoleHttpTest.VIEWER;

    private static String overview(Http http) {
        try {
            return http.get("/", VIEWER).body();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void deadLetterTimesAreShownToTheSecondInUtcWithTheFullInstantInTheMarkup() throws Exception {
        try (Shop shop = new Shop();
             SluiceConsole console = SluiceConsole.builder(shop.sluice).queue("orders", shop.orders).host("127.0.0.1").port(0)
                     .auth(ConsoleAuth.tokens(VIEWER, null)).start()) {
            shop.deadLetter(1, 0);
            Instant last = shop.sluice.deadLetters(shop.orders).peek(1).get(0).reason().orElseThrow().lastFailure();
            Http http = new Http(console.port());
            String page = http.get("/queues/orders/dead-letters", VIEWER).body();
            String shown = last.toString().substring(0, 10) + " " + last.toString().substring(11, 19) + "Z";
            assertThat(page).contains("<time datetime=\"" + last + "\">" + shown + "</time>");
            assertThat(page).doesNotContainPattern(">\\d{4}-\\d\\d-\\d\\dT");   // no raw ISO instant as text
            Matcher id = Pattern.compile("/message\\?id=([^\"]+)\"").matcher(page);
            assertThat(id.find()).isTrue();
            assertThat(http.get("/queues/orders/dead-letters/message?id=" + id.group(1), VIEWER).body())
                    .contains("<dt>Last failure</dt><dd><time datetime=\"" + last + "\">" + shown + "</time></dd>");
        }
    }

    @Test
    void theChartsDrawAFewSamplesAsALineWithTheLatestDotAndSayWhatTheyShow() throws Exception {
        try (Shop shop = new Shop();
             SluiceConsole console = SluiceConsole.builder(shop.sluice).queue("orders", shop.orders).host("127.0.0.1").port(0)
                     .sampleInterval(Duration.ofSeconds(1)).auth(ConsoleAuth.tokens(VIEWER, null)).start()) {
            Http http = new Http(console.port());
            Await.until("a first sample", () -> overview(http).contains("orders depth 0 (one sample so far)"));
            shop.deadLetter(3, 0);
            Await.until("a sample with the dead letters", () -> overview(http)
                    .matches("(?s).*orders dead letters 0 → 3 over \\d+ s \\(lowest 0, highest 3\\).*"));
            String page = http.get("/", VIEWER).body();
            Matcher dead = Pattern.compile("<svg class=\"spark\"[^>]*aria-label=\"orders dead letters 0 → 3[^\"]*\">(.*?)</svg>"
                    + "<span class=\"spark-range\" aria-hidden=\"true\">0–3</span>").matcher(page);
            assertThat(dead.find()).as(page).isTrue();
            String svg = dead.group(1);
            assertThat(svg).contains("<title>orders dead letters 0 → 3").contains("class=\"spark-base\"")
                    .contains("class=\"spark-dot\"");
            Matcher path = Pattern.compile("<path class=\"spark-line\" d=\"M([\\d.]+),[\\d.]+.* L([\\d.]+),([\\d.]+)\"/>").matcher(svg);
            assertThat(path.find()).as(svg).isTrue();
            assertThat(Double.parseDouble(path.group(1))).as("the line starts at the left edge").isLessThan(5);
            assertThat(Double.parseDouble(path.group(2))).as("and ends at the right edge").isGreaterThan(Sparkline.WIDTH - 5);
            assertThat(Double.parseDouble(path.group(3))).as("at the top: the highest value").isLessThan(5);
        }
    }

    @Test
    void withMicrometerTheOverviewShowsHandledAndFailedPerMinute() throws Exception {
        SluiceMetrics metrics = SluiceMetrics.of(new SimpleMeterRegistry());
        AtomicInteger failing = new AtomicInteger(2);
        QueueSpec payments = QueueSpec.builder("mem://payments").maxDeliveryAttempts(1).build();
        try (Sluice sluice = Sluice.builder().listener(metrics).build();
             Worker worker = sluice.worker(payments).on("payment", (e, d) -> {
                 if (failing.getAndDecrement() > 0) throw new IllegalStateException("card declined");
             }).start();
             SluiceConsole console = SluiceConsole.builder(sluice).queue("payments", payments).host("127.0.0.1").port(0)
                     .sampleInterval(Duration.ofSeconds(2)).outcomeTotals(MicrometerTotals.of(metrics))
                     .auth(ConsoleAuth.tokens(VIEWER, null)).start()) {
            Http http = new Http(console.port());
            assertThat(http.get("/", VIEWER).body()).contains("Handled/min").contains("Failed/min");
            for (int i = 0; i < 7; i++) sluice.publisher(payments.uri()).publish("payment", Map.of("n", i)).join();
            Await.until("all settled", () -> metrics.settled(payments.uri()).acked() == 5);
            // the next two samples both see the same totals: the rates of that interval fall to zero; before that, some
            // interval held the 5 handled and the 2 failed
            Pattern rates = Pattern.compile("class=\"num hide-narrow rate-handled\">([^<]+)</td><td class=\"num hide-narrow"
                    + " rate-failed\">([^<]+)</td>");
            java.util.Set<String> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
            Await.until("the rates fall back to zero", () -> {
                Matcher m = rates.matcher(overview(http));
                if (!m.find()) return false;
                seen.add(m.group(1) + " " + m.group(2));
                return m.group(1).equals("0.0/min") && m.group(2).equals("0.0/min");
            });
            // 5 handled and 2 failed within one 2 s interval are 150/min and 60/min; split over two intervals, less
            assertThat(seen).anySatisfy(s -> assertThat(s).matches("\\d+(\\.\\d)?/min \\d+(\\.\\d)?/min").isNotEqualTo("0.0/min 0.0/min"));
        }
    }

    @Test
    void aRateIsTheDeltaOfTheLastTwoSamplesPerMinuteAndNoneAfterACounterReset() {
        Instant t = Instant.parse("2026-11-28T20:00:00Z");
        DepthSampler.Sample a = new DepthSampler.Sample(t, 0, 0, 100, 10);
        DepthSampler.Sample b = new DepthSampler.Sample(t.plusSeconds(15), 0, 0, 105, 12);
        assertThat(DepthSampler.rates(java.util.List.of(a, b))).hasValue(new DepthSampler.Rates(20, 8));
        assertThat(DepthSampler.rates(java.util.List.of(b))).isEmpty();
        DepthSampler.Sample reset = new DepthSampler.Sample(t.plusSeconds(30), 0, 0, 3, 0);
        assertThat(DepthSampler.rates(java.util.List.of(a, b, reset))).isEmpty();
        DepthSampler.Sample unknown = new DepthSampler.Sample(t.plusSeconds(45), 0, 0, -1, -1);
        assertThat(DepthSampler.rates(java.util.List.of(b, unknown))).isEmpty();
        assertThat(Pages.perMinute(20)).isEqualTo("20/min");
        assertThat(Pages.perMinute(0.25)).isEqualTo("0.3/min");
    }

    @Test
    void withoutOutcomeTotalsThereAreNoRateColumns() throws Exception {
        try (Shop shop = new Shop();
             SluiceConsole console = SluiceConsole.builder(shop.sluice).queue("orders", shop.orders).host("127.0.0.1").port(0)
                     .auth(ConsoleAuth.tokens(VIEWER, null)).start()) {
            assertThat(new Http(console.port()).get("/", VIEWER).body()).doesNotContain("Handled/min").contains("Dead letters");
        }
    }

    @Test
    void anUnreachableBrokerIsShownAsItsErrorCodeWhileTheLogHasTheDetailWithTheUriRedacted() throws Exception {
        // the real RabbitMQ client against a port nothing listens on; the password must reach neither page nor log
        QueueSpec unreachable = QueueSpec.builder("amqp://shop:hunter2-secret@127.0.0.1:1/orders").build();
        try (Shop shop = new Shop();
             AuditCapture log = new AuditCapture();
             SluiceConsole console = SluiceConsole.builder(shop.sluice).queue("orders", shop.orders).queue("billing", unreachable)
                     .host("127.0.0.1").port(0).auth(ConsoleAuth.tokens(VIEWER, null)).start()) {
            HttpResponse<String> r = new Http(console.port()).get("/", VIEWER);
            assertThat(r.statusCode()).isEqualTo(200);
            Matcher row = Pattern.compile("<tr data-queue=\"billing\">(.*?)</tr>").matcher(r.body());
            assertThat(row.find()).isTrue();
            assertThat(row.group(1)).contains("broker unreachable (see the console's log)").contains("<code>UNAVAILABLE</code>")
                    .doesNotContain("127.0.0.1").doesNotContain("hunter2").doesNotContain("onnect");
            assertThat(r.body()).contains("<tr data-queue=\"orders\">").contains("class=\"dlq-count\"");
            Await.until("the detail logged", () -> log.all().contains("cannot read the depth of billing"));
            String line = log.all().lines().filter(l -> l.contains("cannot read the depth of billing")).findFirst().orElseThrow();
            assertThat(line).contains("amqp://shop:***@127.0.0.1:1/orders").contains("UNAVAILABLE").doesNotContain("hunter2");
        }
    }
}
