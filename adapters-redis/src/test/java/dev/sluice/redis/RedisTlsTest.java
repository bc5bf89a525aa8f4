package dev.sluice.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.ConfigurationException;
import dev.sluice.QueueSpec;
import dev.sluice.core.Sluice;
import dev.sluice.spi.InboundMessage;
import dev.sluice.spi.OutboundMessage;
import dev.sluice.spi.QueueDriver;
import dev.sluice.testkit.Await;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rediss://}: a Redis of its own on 127.0.0.1 that speaks only TLS, with a self-signed certificate made
 * here by {@code openssl}. The untrusted certificate fails the start-up clearly; {@code verifyPeer=false} works.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisTlsTest {
    @TempDir
    static Path dir;
    private static Process server;
    private static int port;

    @BeforeAll
    static void startTlsRedis() throws Exception {
        run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", dir.resolve("key.pem").toString(),
                "-out", dir.resolve("cert.pem").toString(), "-days", "1", "-subj", "/CN=127.0.0.1",
                "-addext", "subjectAltName=IP:127.0.0.1");
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try {
            server = new ProcessBuilder("redis-server", "--port", "0", "--tls-port", String.valueOf(port),
                    "--bind", "127.0.0.1", "--tls-cert-file", dir.resolve("cert.pem").toString(),
                    "--tls-key-file", dir.resolve("key.pem").toString(), "--tls-ca-cert-file", dir.resolve("cert.pem").toString(),
                    "--tls-auth-clients", "no", "--save", "", "--appendonly", "no", "--dir", dir.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("redis-tls.log").toFile()).start();
        } catch (IOException e) {
            throw new AssertionError("these tests start redis-server (with TLS) themselves; install it (the Debian package"
                    + " redis-server) so that it is on the PATH: " + e.getMessage(), e);
        }
        Await.until("the TLS Redis listening on " + port, RedisTlsTest::listening, Duration.ofSeconds(15));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (server != null) {
            server.destroy();
            server.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aQueueOverTlsWorks() throws Exception {
        try (Sluice sluice = Sluice.create()) {
            QueueSpec spec = QueueSpec.builder("rediss://127.0.0.1:" + port + "/tls-orders?verifyPeer=false").build();
            QueueDriver driver = sluice.open(spec).driver();
            assertThat(driver.send(List.of(new OutboundMessage("m1", "over tls".getBytes(StandardCharsets.UTF_8), Map.of(),
                    null, null, Duration.ZERO))).get(0).succeeded()).isTrue();
            InboundMessage m = null;
            for (int i = 0; i < 10 && m == null; i++) {
                List<InboundMessage> got = driver.receive(1, Duration.ofSeconds(1));
                if (!got.isEmpty()) m = got.get(0);
            }
            assertThat(m).isNotNull();
            assertThat(new String(m.body(), StandardCharsets.UTF_8)).isEqualTo("over tls");
            assertThat(driver.ack(List.of(m))).isEmpty();
        }
    }

    @Test
    void anUntrustedCertificateIsAClearStartUpError() {
        try (Sluice sluice = Sluice.create()) {
            QueueSpec spec = QueueSpec.builder("rediss://127.0.0.1:" + port + "/tls-untrusted").build();
            assertThatThrownBy(() -> sluice.open(spec)).isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("TLS handshake").hasMessageContaining("127.0.0.1:" + port)
                    .hasMessageContaining("verifyPeer=false");
        }
    }

    private static boolean listening() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void run(String... command) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("openssl.log").toFile()).start();
        } catch (IOException e) {
            throw new AssertionError("this test makes a certificate with openssl; install it: " + e.getMessage(), e);
        }
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("openssl exit code").isZero();
    }
}
