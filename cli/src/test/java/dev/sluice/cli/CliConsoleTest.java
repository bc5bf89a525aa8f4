package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.Sluice;
import dev.sluice.testkit.Await;
import dev.sluice.testkit.LoopbackPorts;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** {@code sluice console}: serves the configured queues with the configured access until Ctrl-C; refuses without auth. */
class CliConsoleTest {
    private static final String VIEWER = "viewer-token-0123456789";
    private static final String OPERATOR = "operator-token-0123456789";

    @Test
    void servesTheConfiguredQueuesToATokenHolderUntilCtrlC() throws Exception {
        int port = LoopbackPorts.free();
        StringWriter err = new StringWriter();
        AtomicReference<Runnable> ctrlC = new AtomicReference<>();
        try (Sluice sluice = Sluice.builder().build()) {
            CliEnvironment env = environment(Map.of("SLUICE_QUEUE_ORDERS_URI", "mem://console-orders",
                    "SLUICE_CONSOLE_HOST", "127.0.0.1", "SLUICE_CONSOLE_PORT", String.valueOf(port),
                    "SLUICE_CONSOLE_VIEWER_TOKEN", VIEWER, "SLUICE_CONSOLE_OPERATOR_TOKEN", OPERATOR), sluice, err, ctrlC);
            CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(
                    () -> SluiceCli.commandLine(env).execute("console"));
            Await.until("the console serving", () -> err.toString().contains("console serving on port " + port));

            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> viewer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                    .header("Authorization", "Bearer " + VIEWER).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(viewer.statusCode()).isEqualTo(200);
            assertThat(viewer.body()).contains("orders").doesNotContain(VIEWER);

            ctrlC.get().run();
            assertThat(exit.get(30, TimeUnit.SECONDS)).isEqualTo(ExitCode.OK);
        }
        assertThat(err.toString()).doesNotContain(VIEWER).doesNotContain(OPERATOR);
    }

    @Test
    void refusesToStartWithoutAnAuthModeNamingTheSettings() {
        StringWriter err = new StringWriter();
        try (Sluice sluice = Sluice.builder().build()) {
            CliEnvironment env = environment(Map.of("SLUICE_QUEUE_ORDERS_URI", "mem://console-orders"), sluice, err,
                    new AtomicReference<>());
            assertThat(SluiceCli.commandLine(env).execute("console")).isEqualTo(ExitCode.USAGE);
        }
        assertThat(err.toString()).contains("console cannot start").contains("SLUICE_CONSOLE_AUTH");
    }

    private static CliEnvironment environment(Map<String, String> variables, Sluice sluice, StringWriter err,
                                              AtomicReference<Runnable> ctrlC) {
        Interrupts interrupts = action -> {
            ctrlC.set(action);
            return () -> ctrlC.set(null);
        };
        return new CliEnvironment(variables, new Properties(), new PrintWriter(new StringWriter(), true),
                new PrintWriter(err, true), false, keys -> sluice, false, interrupts);
    }
}
