package dev.sluice.runtime.poller;

import dev.sluice.testkit.LoopbackPorts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.Publisher;
import dev.sluice.core.Sluice;
import dev.sluice.runtime.config.RuntimeConfig;
import dev.sluice.testkit.Await;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus server (Debian's {@code prometheus}; {@code .ci/run} installs it) scrapes a running poller on
 * 127.0.0.1; its HTTP API then reports the handled, retried and dead-lettered counts the worker produced, and the
 * dead-letter queue's depth.
 */
class PrometheusScrapeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    static Optional<Path> onPath(String command) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path p = Path.of(d, command);
            if (Files.isExecutable(p)) return Optional.of(p);
        }
        return Optional.empty();
    }

    @Test
    void prometheusScrapesThePollerAndCountsWhatTheWorkerDid() throws Exception {
        Optional<Path> prometheus = onPath("prometheus");
        assumeTrue(prometheus.isPresent(), "the prometheus binary is not installed (.ci/run installs it)");

        Map<String, String> env = new HashMap<>();
        env.put("SLUICE_MODULES", ObservedAppModule.class.getName());
        env.put("SLUICE_QUEUE_JOBS_URI", "mem://jobs");
        env.put("SLUICE_QUEUE_JOBS_RETRY", "none");
        env.put("SLUICE_METRICS_HOST", "127.0.0.1");
        env.put("SLUICE_METRICS_PORT", "0");
        env.put("SLUICE_METRICS_DEPTH_INTERVAL", "0s");
        try (PollerMain poller = PollerMain.start(RuntimeConfig.load(env, new Properties()), Sluice.builder(), List.of())) {
            int port = poller.metricsPort().orElseThrow();
            Publisher jobs = poller.runtime().sluice().publisher("mem://jobs");
            for (int i = 0; i < 10; i++) jobs.publish("ok", Map.of("n", i)).join();
            for (int i = 0; i < 3; i++) jobs.publish("flaky", Map.of("n", i)).join();
            for (int i = 0; i < 2; i++) jobs.publish("doomed", Map.of("n", i)).join();
            String endpoint = "http://127.0.0.1:" + port + "/metrics";
            Await.until("the worker settled all 18 deliveries", () -> scrapedHandled(endpoint) == 18);

            int prometheusPort = LoopbackPorts.free();
            Path config = dir.resolve("prometheus.yml");
            Files.writeString(config, String.join("\n",
                    "global:",
                    "  scrape_interval: 1s",
                    "scrape_configs:",
                    "  - job_name: sluice",
                    "    static_configs:",
                    "      - targets: ['127.0.0.1:" + port + "']",
                    ""));
            Process server = new ProcessBuilder(prometheus.get().toString(), "--config.file=" + config,
                    "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + prometheusPort)
                    .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
            try {
                String api = "http://127.0.0.1:" + prometheusPort;
                Map<String, Double> expected = Map.of("ack", 13.0, "retry", 3.0, "dead_letter", 2.0);
                Await.until("Prometheus has the handled counts by outcome",
                        () -> expected.equals(byLabel(api, "sum by (sluice_outcome) (sluice_handled_messages_total{job=\"sluice\"})",
                                "sluice_outcome")), Duration.ofSeconds(60));
                assertThat(byLabel(api, "sum by (cloudevents_event_type) (messaging_client_consumed_messages_total)",
                        "cloudevents_event_type")).isEqualTo(Map.of("ok", 10.0, "flaky", 6.0, "doomed", 2.0));
                assertThat(byLabel(api, "sum by (cloudevents_event_type) (messaging_client_sent_messages_total)",
                        "cloudevents_event_type")).isEqualTo(Map.of("ok", 10.0, "flaky", 3.0, "doomed", 2.0));
                assertThat(byLabel(api, "sluice_queue_messages{sluice_queue_role=\"dead_letter\",sluice_state=\"visible\"}",
                        "messaging_destination_name")).isEqualTo(Map.of("jobs-dlq", 2.0));
                assertThat(byLabel(api, "sluice_queue_oldest_age_seconds{sluice_queue_role=\"dead_letter\"} >= 0",
                        "messaging_destination_name")).containsOnlyKeys("jobs-dlq");
                assertThat(byLabel(api, "sum by (sluice_outcome) (messaging_process_duration_seconds_count)",
                        "sluice_outcome")).isEqualTo(Map.of("ack", 13.0, "retry", 3.0, "dead_letter", 2.0));
            } finally {
                server.destroy();
                if (!server.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) server.destroyForcibly();
            }
        }
    }

    /** The sum of {@code sluice_handled_messages_total} in the poller's own scrape. */
    private double scrapedHandled(String endpoint) {
        String text = get(endpoint);
        return text.lines().filter(l -> l.startsWith("sluice_handled_messages_total{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    /** An instant query's values keyed by one label; empty while Prometheus has nothing (or is not up yet). */
    private Map<String, Double> byLabel(String api, String query, String label) {
        Map<String, Double> values = new HashMap<>();
        String body = get(api + "/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8));
        if (body.isEmpty()) return values;
        try {
            JsonNode result = JSON.readTree(body).path("data").path("result");
            for (JsonNode r : result) values.put(r.path("metric").path(label).asText(), r.path("value").get(1).asDouble());
        } catch (IOException e) {
            return Map.of();
        }
        return values;
    }

    private String get(String url) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body() : "";
        } catch (IOException e) {
            return ""; // not listening yet
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

}
