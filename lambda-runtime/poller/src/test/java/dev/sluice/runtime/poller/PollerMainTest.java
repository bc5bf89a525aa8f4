package dev.sluice.runtime.poller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.runtime.inject.SluiceRuntime;
import dev.sluice.runtime.testapp.Recorder;
import dev.sluice.runtime.testapp.TestAppModule;
import dev.sluice.runtime.testapp.TestConfigs;
import dev.sluice.testkit.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PollerMainTest {
    @TempDir
    Path dir;

    @Test
    void aWorkerPerQueueHandlesWhatIsPublished() {
        SluiceRuntime runtime = SluiceRuntime.start(TestConfigs.config(TestConfigs.env("mem://orders")));
        try (PollerMain poller = PollerMain.start(runtime)) {
            runtime.sluice().publisher("mem://orders").publish("greet", Map.of("name", "poll")).join();
            runtime.sluice().publisher("mem://orders").publish("order.placed", Map.of()).join();
            Recorder recorder = runtime.injector().getInstance(Recorder.class);
            Await.until("both events handled", () -> recorder.handled().size() == 2);
            assertThat(recorder.handled()).contains("greet:poll");
        }
    }

    @Test
    void sigtermDrainsAndExits() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path log = dir.resolve("poller.log");
        ProcessBuilder pb = new ProcessBuilder(List.of(java, "-cp", cp, PollerMain.class.getName()))
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("SLUICE_"));
        pb.environment().put("SLUICE_MODULES", TestAppModule.class.getName());
        pb.environment().put("SLUICE_QUEUE_ORDERS_URI", "mem://orders");
        pb.environment().put("SLUICE_METRICS_HOST", "127.0.0.1");
        pb.environment().put("SLUICE_METRICS_PORT", "0");
        Process p = pb.start();
        try {
            Await.until("the poller has started", () -> read(log).contains("polling [orders]"));
            Await.until("the metrics endpoint is up", () -> read(log).contains("serving Prometheus metrics on http://127.0.0.1:"));
            p.destroy(); // SIGTERM
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(read(log)).contains("worker on mem://orders stopped").contains("drained and stopped");
        } finally {
            p.destroyForcibly();
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
