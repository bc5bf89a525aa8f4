package dev.sluice.cli;

import dev.sluice.core.Sluice;
import dev.sluice.testkit.pubsub.PubSubTestServer;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The CLI on Pub/Sub: Sluice's gRPC test server, driven by the real Google client in the Pub/Sub driver (found
 * through {@code PUBSUB_EMULATOR_HOST}); the CLI opens a Sluice of its own, as the jar does.
 */
class CliOnPubSubTest extends CliContract {
    private static PubSubTestServer server;
    private static Sluice sluice;

    @BeforeAll
    static void start() {
        server = PubSubTestServer.start();
        sluice = Sluice.builder().environment(emulator()::get).build();
    }

    @AfterAll
    static void stop() {
        sluice.close();
        server.close();
    }

    private static Map<String, String> emulator() {
        return Map.of("PUBSUB_EMULATOR_HOST", server.endpoint());
    }

    @Override
    Sluice sluice() {
        return sluice;
    }

    @Override
    URI queueUri(String name) {
        return URI.create("pubsub://projects/cli-test/topics/" + name + "?subscription=" + name + "-worker");
    }

    @Override
    CliHarness cli(Map<String, String> env) {
        Map<String, String> all = new HashMap<>(env);
        all.putAll(emulator());
        return CliHarness.opening(all);
    }
}
