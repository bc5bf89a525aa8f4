package dev.sluice.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The shipped Prometheus alert rules ({@code prometheus/sluice-alerts.yml}) are valid ({@code promtool check rules})
 * and fire as their test says ({@code promtool test rules}: the DLQ alert fires once a dead letter waits a minute,
 * no progress, the failure ratio). Needs Debian's {@code prometheus} package ({@code .ci/run} installs it).
 */
class AlertRulesTest {
    private static final Path RULES = Path.of("prometheus");

    private static Optional<Path> promtool() {
        for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path p = Path.of(d, "promtool");
            if (Files.isExecutable(p)) return Optional.of(p);
        }
        return Optional.empty();
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(RULES.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + ":\n" + out).isZero();
        return out;
    }

    @Test
    void theRulesAreValid() throws Exception {
        Optional<Path> promtool = promtool();
        assumeTrue(promtool.isPresent(), "promtool is not installed (.ci/run installs Debian's prometheus)");
        assertThat(run(promtool.get().toString(), "check", "rules", "sluice-alerts.yml")).contains("SUCCESS: 4 rules found");
    }

    @Test
    void theirTestShowsTheDeadLetterAlertFiring() throws Exception {
        Optional<Path> promtool = promtool();
        assumeTrue(promtool.isPresent(), "promtool is not installed (.ci/run installs Debian's prometheus)");
        String test = Files.readString(RULES.resolve("sluice-alerts-test.yml"));
        assertThat(test).contains("alertname: SluiceDeadLettersWaiting");
        assertThat(run(promtool.get().toString(), "test", "rules", "sluice-alerts-test.yml")).contains("SUCCESS");
    }

    @Test
    void everyMetricTheRulesNameIsOneSluiceRecords() throws Exception {
        String rules = Files.readString(RULES.resolve("sluice-alerts.yml"));
        List<String> names = List.of("sluice_queue_messages", "sluice_queue_oldest_age_seconds", "sluice_handled_messages_total");
        assertThat(java.util.regex.Pattern.compile("\\b(sluice_[a-z_]+|messaging_[a-z_]+)\\b").matcher(rules).results()
                .map(m -> m.group(1)).filter(n -> !n.startsWith("sluice_queue_role") && !n.startsWith("sluice_state")
                        && !n.startsWith("sluice_outcome") && !n.startsWith("messaging_system")
                        && !n.startsWith("messaging_destination_name")).distinct())
                .isSubsetOf(names);
        assertThat(prometheusName(QueueDepthGauges.MESSAGES, "")).isEqualTo(names.get(0));
        assertThat(prometheusName(QueueDepthGauges.OLDEST_AGE, "_seconds")).isEqualTo(names.get(1));
        assertThat(prometheusName(SluiceMetrics.HANDLED, "_total")).isEqualTo(names.get(2));
    }

    private static String prometheusName(String micrometerName, String suffix) {
        return micrometerName.replace('.', '_') + suffix;
    }
}
