package dev.sluice.rabbitmq;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The real RabbitMQ on 127.0.0.1:5672 (guest/guest), one fresh virtual host per test class so that tests never
 * see each other's queues and closing connections from the broker side touches only this test's. Missing broker:
 * the test fails, saying how to start it. Public, in this module's test-jar, for the samples' tests.
 */
public final class RabbitBroker implements AutoCloseable {
    static final String HOST = "127.0.0.1";
    static final int PORT = 5672;

    final String vhost;

    private RabbitBroker(String vhost) {
        this.vhost = vhost;
    }

    /** A fresh vhost on the running broker; fails when the broker does not answer. */
    public static RabbitBroker start(String testName) {
        requireRunning();
        String vhost = "sluice-" + testName.toLowerCase(Locale.ROOT) + "-" + UUID.randomUUID().toString().substring(0, 8);
        rabbitmqctl("add_vhost", vhost);
        rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*");
        return new RabbitBroker(vhost);
    }

    static void requireRunning() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(HOST, PORT), 2000);
        } catch (IOException e) {
            throw new AssertionError("RabbitMQ does not answer on " + HOST + ":" + PORT + " (" + e + "). These tests"
                    + " need a real RabbitMQ: start it with 'rabbitmq-server -detached' and wait with"
                    + " 'rabbitmqctl await_startup' (.ci/run does both)");
        }
    }

    /** {@code amqp://guest:guest@127.0.0.1:5672/<vhost>/<queue>}. */
    public String uri(String queue) {
        return "amqp://guest:guest@" + HOST + ":" + PORT + "/" + vhost + "/" + queue;
    }

    /** A plain client connection to this vhost, for raw publishing and consuming in tests. */
    Connection rawConnection() throws Exception {
        ConnectionFactory f = new ConnectionFactory();
        f.setHost(HOST);
        f.setPort(PORT);
        f.setVirtualHost(vhost);
        f.setUsername("guest");
        f.setPassword("guest");
        return f.newConnection("raw test client");
    }

    /** Closes every client connection of this vhost from the broker side, as an operator would. */
    void closeAllConnections() {
        rabbitmqctl("close_all_connections", "-p", vhost, "closed by a Sluice test");
    }

    static String rabbitmqctl(String... args) {
        List<String> command = new ArrayList<>();
        command.add("rabbitmqctl");
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new AssertionError(String.join(" ", command) + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new AssertionError("cannot run rabbitmqctl (" + e + "); is RabbitMQ installed?", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    @Override
    public void close() {
        rabbitmqctl("delete_vhost", vhost);
    }
}
