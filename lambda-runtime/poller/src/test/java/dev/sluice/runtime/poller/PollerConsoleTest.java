package dev.sluice.runtime.poller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.ConfigurationException;
import dev.sluice.core.Sluice;
import dev.sluice.runtime.testapp.TestConfigs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SLUICE_CONSOLE=on: the poller serves the web console on its configured queues, behind the configured tokens. */
class PollerConsoleTest {
    private static final String VIEWER = "viewer-token-for-the-poller";

    private static HttpResponse<String> get(int port, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"));
        if (token != null) b.header("Authorization", "Bearer " + token);
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesTheConsoleOnTheConfiguredQueuesBehindTheTokens() throws Exception {
        Map<String, String> env = TestConfigs.env("mem://orders");
        env.put("SLUICE_METRICS", "off");
        env.put("SLUICE_CONSOLE", "on");
        env.put("SLUICE_CONSOLE_HOST", "127.0.0.1");
        env.put("SLUICE_CONSOLE_PORT", "0");
        env.put("SLUICE_CONSOLE_VIEWER_TOKEN", VIEWER);
        try (PollerMain poller = PollerMain.start(TestConfigs.config(env), Sluice.builder(), List.of())) {
            int port = poller.consolePort().orElseThrow();
            assertThat(get(port, null).statusCode()).isEqualTo(401);
            HttpResponse<String> page = get(port, VIEWER);
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("href=\"/queues/orders\"").contains("(viewer)");
        }
    }

    @Test
    void withMetricsOnTheOverviewShowsHandledAndFailedRatesFromThePollersCounters() throws Exception {
        Map<String, String> env = TestConfigs.env("mem://orders");
        env.put("SLUICE_METRICS_HOST", "127.0.0.1");
        env.put("SLUICE_METRICS_PORT", "0");
        env.put("SLUICE_CONSOLE", "on");
        env.put("SLUICE_CONSOLE_HOST", "127.0.0.1");
        env.put("SLUICE_CONSOLE_PORT", "0");
        env.put("SLUICE_CONSOLE_VIEWER_TOKEN", VIEWER);
        try (PollerMain poller = PollerMain.start(TestConfigs.config(env), Sluice.builder(), List.of())) {
            int port = poller.consolePort().orElseThrow();
            // the columns appear once the console reads the poller's counters; the numbers come with the second sample
            assertThat(get(port, VIEWER).body()).contains("Handled/min").contains("Failed/min");
        }
        env.put("SLUICE_METRICS", "off");
        try (PollerMain poller = PollerMain.start(TestConfigs.config(env), Sluice.builder(), List.of())) {
            assertThat(get(poller.consolePort().orElseThrow(), VIEWER).body()).doesNotContain("Handled/min");
        }
    }

    @Test
    void refusesToStartTheConsoleWithoutAnAuthMode() {
        Map<String, String> env = TestConfigs.env("mem://orders");
        env.put("SLUICE_METRICS", "off");
        env.put("SLUICE_CONSOLE", "on");
        env.put("SLUICE_CONSOLE_PORT", "0");
        assertThatThrownBy(() -> PollerMain.start(TestConfigs.config(env), Sluice.builder(), List.of()))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("SLUICE_CONSOLE_AUTH");
    }

    @Test
    void offByDefault() {
        Map<String, String> env = TestConfigs.env("mem://orders");
        env.put("SLUICE_METRICS", "off");
        try (PollerMain poller = PollerMain.start(TestConfigs.config(env), Sluice.builder(), List.of())) {
            assertThat(poller.consolePort()).isEmpty();
        }
    }
}
