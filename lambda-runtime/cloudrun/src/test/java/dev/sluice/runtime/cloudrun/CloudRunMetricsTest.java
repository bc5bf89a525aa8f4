package dev.sluice.runtime.cloudrun;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.runtime.testapp.TestAppModule;
import dev.sluice.testkit.Await;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Cloud Run host, started as Cloud Run starts it (its main, in a process of its own), serves Prometheus metrics on
 * {@code SLUICE_METRICS_PORT} beside {@code $PORT}, counting what its push requests did.
 */
class CloudRunMetricsTest {
    @TempDir
    Path dir;

    @Test
    void mainServesMetricsOnTheirOwnPortCountingHandledPushes() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path log = dir.resolve("cloudrun.log");
        ProcessBuilder pb = new ProcessBuilder(List.of(java, "-cp", cp, CloudRunServer.class.getName()))
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("SLUICE_"));
        pb.environment().put("SLUICE_MODULES", TestAppModule.class.getName());
        pb.environment().put("SLUICE_QUEUE_ORDERS_URI", "mem://orders");
        pb.environment().put("SLUICE_PUSH_AUTH", "none");
        pb.environment().put("PORT", String.valueOf(port));
        pb.environment().put("SLUICE_METRICS_HOST", "127.0.0.1");
        pb.environment().put("SLUICE_METRICS_PORT", "0");
        Process p = pb.start();
        try {
            Pattern serving = Pattern.compile("serving Prometheus metrics on http://127\\.0\\.0\\.1:(\\d+)/metrics");
            Await.until("the metrics endpoint is up", () -> serving.matcher(read(log)).find());
            Matcher m = serving.matcher(read(log));
            assertThat(m.find()).isTrue();
            int metricsPort = Integer.parseInt(m.group(1));

            Map<String, String> binary = Map.of("Content-Type", "application/json",
                    "ce-specversion", "1.0", "ce-id", "m-1", "ce-source", "/tests", "ce-type", "greet");
            assertThat(Http.post(port, "/", binary, "{\"name\":\"metered\"}").statusCode()).isEqualTo(204);

            String handled = "sluice_handled_messages_total{cloudevents_event_type=\"greet\",messaging_destination_name=\"orders\",messaging_system=\"mem\",sluice_outcome=\"ack\"} 1.0";
            Await.until("the ack counted", () -> scrape(metricsPort).contains(handled));
            assertThat(scrape(metricsPort)).contains("sluice_handled_messages_total{cloudevents_event_type=\"greet\",messaging_destination_name=\"orders\",messaging_system=\"mem\",sluice_outcome=\"ack\"} 1.0")
                    .contains("messaging_client_consumed_messages_total{cloudevents_event_type=\"greet\"")
                    .contains("sluice_queue_messages{messaging_destination_name=\"orders-dlq\"");
        } finally {
            p.destroy();
            if (!p.waitFor(30, TimeUnit.SECONDS)) p.destroyForcibly();
        }
    }

    private static String scrape(int port) {
        try {
            return Http.get(port, "/metrics").body();
        } catch (Exception e) {
            return "";
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
