package dev.sluice.runtime.cloudrun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.ConfigurationException;
import dev.sluice.runtime.inject.SluiceRuntime;
import dev.sluice.runtime.testapp.TestConfigs;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The host fails closed: push authentication is configured, or explicitly turned off, or it does not start. */
class PushAuthStartTest {
    private static final InetSocketAddress ANY_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    @Test
    void withoutPushAuthTheHostRefusesToStartAndSaysWhatToSet() {
        SluiceRuntime runtime = SluiceRuntime.start(TestConfigs.config(TestConfigs.env("mem://orders")));
        assertThatThrownBy(() -> CloudRunServer.start(runtime, ANY_PORT, Clock.systemUTC()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("SLUICE_PUSH_AUDIENCE")
                .hasMessageContaining("SLUICE_PUSH_SERVICE_ACCOUNT")
                .hasMessageContaining("SLUICE_PUSH_AUTH=none");
    }

    @Test
    void withPushAuthNoneItStartsServesUnauthenticatedAndWarns() throws Exception {
        Map<String, String> env = TestConfigs.env("mem://orders");
        env.put("SLUICE_PUSH_AUTH", "none");
        SluiceRuntime runtime = SluiceRuntime.start(TestConfigs.config(env));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream original = System.err;
        CloudRunServer server;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            server = CloudRunServer.start(runtime, ANY_PORT, Clock.systemUTC());
        } finally {
            System.setErr(original);
        }
        try {
            assertThat(err.toString(StandardCharsets.UTF_8)).contains("WARN").contains("NOT authenticated");
            String body = Http.push(Http.pubsubMessage("a1", "e-a1", "greet", "{\"name\":\"anyone\"}"), null);
            assertThat(Http.post(server.port(), "/", Map.of("Content-Type", "application/json"), body).statusCode())
                    .isEqualTo(204);
        } finally {
            server.close();
        }
    }

    @Test
    void withPushAuthConfiguredItStartsAndRefusesRequestsWithoutAToken() throws Exception {
        Map<String, String> env = TestConfigs.env("mem://orders");
        env.put("SLUICE_PUSH_AUDIENCE", "aud");
        env.put("SLUICE_PUSH_SERVICE_ACCOUNT", "push@acme.iam.gserviceaccount.com");
        env.put("SLUICE_PUSH_JWKS_URL", "http://127.0.0.1:9/never-fetched");
        CloudRunServer server = CloudRunServer.start(SluiceRuntime.start(TestConfigs.config(env)), ANY_PORT, Clock.systemUTC());
        try {
            String body = Http.push(Http.pubsubMessage("a2", "e-a2", "greet", "{\"name\":\"anyone\"}"), null);
            assertThat(Http.post(server.port(), "/", Map.of("Content-Type", "application/json"), body).statusCode())
                    .isEqualTo(401);
        } finally {
            server.close();
        }
    }

    @Test
    void turningItOffWhileConfiguringItIsAConfigurationError() {
        Map<String, String> env = TestConfigs.env("mem://orders");
        env.put("SLUICE_PUSH_AUTH", "none");
        env.put("SLUICE_PUSH_AUDIENCE", "aud");
        assertThatThrownBy(() -> TestConfigs.config(env)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("SLUICE_PUSH_AUTH").hasMessageContaining("SLUICE_PUSH_AUDIENCE");
    }
}
