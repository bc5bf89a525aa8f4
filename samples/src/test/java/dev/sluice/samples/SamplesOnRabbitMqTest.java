package dev.sluice.samples;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The samples on the real RabbitMQ at 127.0.0.1:5672 (guest/guest), in a virtual host of their own that is
 * deleted at the end. The vhost handling is the minimum of adapters-rabbitmq's package-private test
 * {@code RabbitBroker}, copied (that module publishes no test jar).
 */
class SamplesOnRabbitMqTest extends SamplesOnBrokerTest {
    private static final String HOST = "127.0.0.1";
    private static final int PORT = 5672;
    private static String vhost;

    @BeforeAll
    static void freshVhost() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(HOST, PORT), 2000);
        } catch (IOException e) {
            throw new AssertionError("RabbitMQ does not answer on " + HOST + ":" + PORT + " (" + e + "). These tests"
                    + " need a real RabbitMQ: start it with 'rabbitmq-server -detached' and wait with"
                    + " 'rabbitmqctl await_startup' (.ci/run does both)");
        }
        vhost = "sluice-samples-" + UUID.randomUUID().toString().substring(0, 8);
        rabbitmqctl("add_vhost", vhost);
        rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*");
    }

    @AfterAll
    static void deleteVhost() {
        if (vhost != null) rabbitmqctl("delete_vhost", vhost);
    }

    @Override
    String uri(String name) {
        return "amqp://guest:guest@" + HOST + ":" + PORT + "/" + vhost + "/" + name;
    }

    @Override
    String broker() {
        return "RabbitMQ";
    }

    private static void rabbitmqctl(String... args) {
        List<String> command = new ArrayList<>(List.of("rabbitmqctl"));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new AssertionError(String.join(" ", command) + " failed: " + out);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run rabbitmqctl (" + e + "); is RabbitMQ installed?", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
