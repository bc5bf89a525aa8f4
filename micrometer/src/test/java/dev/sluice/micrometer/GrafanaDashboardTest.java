package dev.sluice.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.DeadLetterReason;
import dev.sluice.ErrorCode;
import dev.sluice.Outcome;
import dev.sluice.QueueSpec;
import dev.sluice.core.Sluice;
import dev.sluice.observe.SluiceEvent;
import dev.sluice.testkit.VirtualClock;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Grafana dashboard ({@code grafana/sluice-dashboard.json}) queries only series Sluice exports (checked against a
 * real Prometheus scrape of every meter), and every query is valid PromQL ({@code promtool check rules} parses them).
 */
class GrafanaDashboardTest {
    private static final Path DASHBOARD = Path.of("grafana", "sluice-dashboard.json");
    private static final Set<String> LABELS = Set.of("messaging_destination_name", "messaging_system", "messaging_operation_name",
            "sluice_outcome", "sluice_state", "sluice_queue_role", "error_type", "cloudevents_event_type");

    @TempDir
    Path dir;

    private static List<String> queries() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        List<String> exprs = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) exprs.add(target.path("expr").asText());
        }
        return exprs;
    }

    /** Every series name a Prometheus scrape shows once each of Sluice's meters has recorded something. */
    private static Set<String> exportedSeries() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        SluiceMetrics metrics = SluiceMetrics.of(registry);
        VirtualClock clock = new VirtualClock();
        URI q = URI.create("mem://dash");
        Instant now = clock.now();
        metrics.onEvent(new SluiceEvent.Published(q, now, "e", "t", "m"));
        metrics.onEvent(new SluiceEvent.Received(q, now, "m", "e", "t", 1, now));
        metrics.onEvent(new SluiceEvent.HandlerStarted(q, now, "m", "e", "t", 1, null, null));
        metrics.onEvent(new SluiceEvent.HandlerFinished(q, now, "m", "e", "t", 1, Outcome.ACK, Duration.ofMillis(5), now));
        metrics.onEvent(new SluiceEvent.Acked(q, now, "m", "e", "t", 1));
        metrics.onEvent(new SluiceEvent.DeadLettered(q, now, "m", "e", "t", 1, URI.create("mem://dash-dlq"),
                new DeadLetterReason(DeadLetterReason.Cause.PERMANENT_FAILURE, null, null, 1, q.toString(), now, now, null)));
        metrics.onEvent(new SluiceEvent.Released(q, now, "m"));
        metrics.onEvent(new SluiceEvent.LeaseExtended(q, now, "m", Duration.ofSeconds(30)));
        metrics.onEvent(new SluiceEvent.BrokerCallCompleted(q, now, SluiceEvent.Operation.SEND, 1, Duration.ofMillis(3)));
        metrics.onEvent(new SluiceEvent.BrokerCallFailed(q, now, SluiceEvent.Operation.ACK, ErrorCode.THROTTLED, 1, "x"));
        try (Sluice sluice = Sluice.builder().scheduler(clock).build()) {
            QueueDepthGauges.register(registry, sluice, QueueSpec.of(q.toString()));
            return registry.scrape().lines().filter(l -> !l.startsWith("#") && !l.isBlank())
                    .map(l -> l.substring(0, l.indexOf(l.contains("{") ? '{' : ' ')))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    @Test
    void everySeriesTheDashboardQueriesIsOneSluiceExports() throws Exception {
        Set<String> exported = exportedSeries();
        Set<String> queried = new TreeSet<>();
        Pattern name = Pattern.compile("\\b((?:sluice|messaging)_[a-z_]+)\\b");
        for (String expr : queries()) {
            name.matcher(expr).results().map(m -> m.group(1)).filter(n -> !LABELS.contains(n)).forEach(queried::add);
        }
        assertThat(queried).hasSizeGreaterThan(10);
        assertThat(exported).containsAll(queried);
    }

    @Test
    void everyQueryIsValidPromQl() throws Exception {
        Path promtool = null;
        for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, "promtool"))) promtool = Path.of(d, "promtool");
        }
        assumeTrue(promtool != null, "promtool is not installed (.ci/run installs Debian's prometheus)");
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        List<String> queries = queries();
        for (int i = 0; i < queries.size(); i++) {
            String expr = queries.get(i).replace("$__rate_interval", "5m").replace("$queue", ".*");
            rules.append("      - record: dashboard:query_").append(i).append('\n')
                    .append("        expr: '").append(expr.replace("'", "''")).append("'\n");
        }
        Path file = dir.resolve("dashboard-queries.yml");
        Files.writeString(file, rules);
        Process p = new ProcessBuilder(promtool.toString(), "check", "rules", file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("SUCCESS: " + queries.size() + " rules found");
    }
}
