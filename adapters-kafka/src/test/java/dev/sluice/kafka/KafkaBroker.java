package dev.sluice.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * A real Kafka broker for tests: KRaft combined mode (one node that is broker and controller), share groups
 * enabled, on two free 127.0.0.1 ports, started as a child JVM ({@code kafka.Kafka}, heap 512 MB) from the test
 * class path ({@code org.apache.kafka:kafka_2.13}, test scope). No Docker and no service on the machine: the module's
 * test classes share one ({@link #shared()}: started by the first class that asks, stopped when the test JVM exits);
 * {@link #start()} gives a caller one of its own, to close. It is up in about 5 to 10 s.
 *
 * <p>Start-up: write {@code server.properties}, format the storage ({@code kafka.tools.StorageTool format}, a child
 * JVM of its own, with {@code share.version=1}), start {@code kafka.Kafka}, wait until the Admin client sees the node.
 * The broker's output goes to {@code broker.log} in its directory; a broker that does not come up fails the test
 * with the end of that log. The lock duration and session timeouts are short, so lease and kill tests run quickly.
 *
 * <p>Public, and shipped in the module's test jar, for {@code benchmarks/kafka}.
 */
public final class KafkaBroker implements AutoCloseable {
    private static final java.time.Duration START_TIMEOUT = java.time.Duration.ofSeconds(60);

    private final Path dir;
    private final int port;
    private final Process process;

    private KafkaBroker(Path dir, int port, Process process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    private static KafkaBroker shared;

    /**
     * The broker the module's test classes share (surefire runs them in one JVM): started by the first class that
     * asks, stopped when the test JVM exits.
     */
    public static synchronized KafkaBroker shared() {
        if (shared == null || !shared.process.isAlive()) {
            KafkaBroker b = start();
            Runtime.getRuntime().addShutdownHook(new Thread(b::close, "kafka-broker-stop"));
            shared = b;
        }
        return shared;
    }

    /** Starts a broker with share groups enabled; fails (with the broker's log) when it does not come up. */
    public static KafkaBroker start() {
        return start(Map.of());
    }

    /** Starts a broker with {@code overrides} added to its {@code server.properties}. */
    public static KafkaBroker start(Map<String, String> overrides) {
        try {
            Path dir = Files.createTempDirectory("sluice-kafka-");
            int port = freePort();
            int controllerPort = freePort();
            Path properties = dir.resolve("server.properties");
            Files.writeString(properties, serverProperties(dir, port, controllerPort, overrides));
            Path log = dir.resolve("broker.log");
            String clusterId = randomClusterId();
            Process format = java(dir, log, "kafka.tools.StorageTool", "format", "--cluster-id", clusterId, "--config",
                    properties.toString(), "--feature", "share.version=1", "--ignore-formatted");
            if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
                format.destroyForcibly();
                throw new AssertionError("formatting the Kafka storage failed:\n" + tail(log));
            }
            Process broker = java(dir, log, "kafka.Kafka", properties.toString());
            KafkaBroker b = new KafkaBroker(dir, port, broker);
            Runtime.getRuntime().addShutdownHook(new Thread(broker::destroyForcibly, "kafka-broker-killer"));
            b.awaitUp();
            return b;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted starting Kafka", e);
        }
    }

    /** {@code 127.0.0.1:<port>}. */
    public String bootstrap() {
        return "127.0.0.1:" + port;
    }

    /** {@code kafka://127.0.0.1:<port>/<topic>} plus {@code query} when not empty. */
    public String uri(String topic, String query) {
        return "kafka://" + bootstrap() + "/" + topic + (query == null || query.isEmpty() ? "" : "?" + query);
    }

    /** An Admin client on this broker; close it. */
    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000));
    }

    /** Stops the broker (SIGTERM, then SIGKILL after 20 s) and deletes its directory. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp directory left behind is harmless
        }
    }

    private void awaitUp() {
        try {
            dev.sluice.testkit.Await.until("the Kafka broker on " + bootstrap() + " to answer", () -> {
                if (!process.isAlive()) {
                    throw new AssertionError("the Kafka broker exited with " + process.exitValue());
                }
                if (!accepts()) return false;
                try (Admin admin = admin()) {
                    return !admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty();
                } catch (Exception e) {
                    return false;
                }
            }, START_TIMEOUT);
        } catch (AssertionError e) {
            process.destroyForcibly();
            throw new AssertionError(e.getMessage() + "; the end of its log (" + dir.resolve("broker.log") + "):\n"
                    + tail(dir.resolve("broker.log")), e);
        }
    }

    private boolean accepts() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static String serverProperties(Path dir, int port, int controllerPort, Map<String, String> overrides) {
        Map<String, String> p = new java.util.LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", dir.resolve("data").toString());
        p.put("num.partitions", "1");
        p.put("auto.create.topics.enable", "false");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("share.coordinator.state.topic.num.partitions", "1");
        p.put("group.coordinator.rebalance.protocols", "classic,consumer,share");
        p.put("group.initial.rebalance.delay.ms", "0");
        // short leases and quick failure detection, so that the lease and kill tests run in seconds
        p.put("group.share.min.record.lock.duration.ms", "1000");
        p.put("group.share.max.record.lock.duration.ms", "3600000");
        p.put("group.share.min.session.timeout.ms", "3000");
        p.put("group.share.session.timeout.ms", "6000");
        p.put("group.share.min.heartbeat.interval.ms", "100");
        p.put("group.share.heartbeat.interval.ms", "250");
        p.put("group.share.assignment.interval.ms", "100");
        p.put("group.consumer.min.session.timeout.ms", "3000");
        p.put("group.consumer.session.timeout.ms", "6000");
        p.put("group.consumer.min.heartbeat.interval.ms", "500");
        p.put("group.consumer.heartbeat.interval.ms", "1000");
        p.put("log.flush.interval.messages", String.valueOf(Long.MAX_VALUE));
        p.putAll(overrides);
        StringBuilder sb = new StringBuilder();
        p.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
        return sb.toString();
    }

    private static Process java(Path dir, Path log, String main, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of("-Xms128m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dkafka.logs.dir=" + dir.resolve("logs"), "-Djava.awt.headless=true"));
        command.add("-cp");
        command.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        command.add(main);
        command.addAll(List.of(args));
        return new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        }
    }

    /**
     * A cluster id as Kafka writes them: 16 random bytes, URL-safe base64 without padding; never one that starts with
     * '-', which the storage tool's command line would read as an option (as Kafka's own {@code Uuid.randomUuid}).
     */
    static String randomClusterId() {
        while (true) {
            UUID u = UUID.randomUUID();
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits());
            String id = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
            if (!id.startsWith("-")) return id;
        }
    }
}
