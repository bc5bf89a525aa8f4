package dev.sluice.kafka;

import dev.sluice.testkit.LoopbackPorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
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
 * enabled, on free 127.0.0.1 ports (a plaintext listener, a SASL_PLAINTEXT one and the controller's), started as a child JVM ({@code kafka.Kafka}, heap 512 MB) from the test
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
    /** The user the SASL listener knows, for SCRAM-SHA-512 and PLAIN. */
    public static final String SASL_USER = "alice";
    /** Its password. */
    public static final String SASL_PASSWORD = "alice-secret";

    private final Path dir;
    private final int port;
    private final int saslPort;
    private final int jmxPort;
    private final Process process;

    private KafkaBroker(Path dir, int port, int saslPort, int jmxPort, Process process) {
        this.dir = dir;
        this.port = port;
        this.saslPort = saslPort;
        this.jmxPort = jmxPort;
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
            int port = LoopbackPorts.free();
            int controllerPort = LoopbackPorts.free();
            int saslPort = LoopbackPorts.free();
            Path properties = dir.resolve("server.properties");
            Files.writeString(properties, serverProperties(dir, port, controllerPort, saslPort, overrides));
            Path log = dir.resolve("broker.log");
            String clusterId = randomClusterId();
            Process format = java(dir, log, List.of(), "kafka.tools.StorageTool", "format", "--cluster-id", clusterId, "--config",
                    properties.toString(), "--feature", "share.version=1", "--ignore-formatted",
                    "--add-scram", "SCRAM-SHA-512=[name=" + SASL_USER + ",password=" + SASL_PASSWORD + "]");
            if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
                format.destroyForcibly();
                throw new AssertionError("formatting the Kafka storage failed:\n" + tail(log));
            }
            int jmxPort = LoopbackPorts.free();
            Process broker = java(dir, log, jmx(jmxPort), "kafka.Kafka", properties.toString());
            KafkaBroker b = new KafkaBroker(dir, port, saslPort, jmxPort, broker);
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

    /**
     * {@code 127.0.0.1:<port>} of the SASL_PLAINTEXT listener: SCRAM-SHA-512 and PLAIN, user {@value #SASL_USER},
     * password {@value #SASL_PASSWORD}.
     */
    public String saslBootstrap() {
        return "127.0.0.1:" + saslPort;
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

    static String serverProperties(Path dir, int port, int controllerPort, int saslPort, Map<String, String> overrides) {
        Map<String, String> p = new java.util.LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort
                + ",SASL_PLAINTEXT://127.0.0.1:" + saslPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port + ",SASL_PLAINTEXT://127.0.0.1:" + saslPort);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT");
        // SASL for clients: SCRAM-SHA-512 (the credential is written by the storage format) and PLAIN
        p.put("sasl.enabled.mechanisms", "SCRAM-SHA-512,PLAIN");
        p.put("listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        p.put("listener.name.sasl_plaintext.plain.sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required user_" + SASL_USER + "=\"" + SASL_PASSWORD + "\";");
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

    /**
     * The broker's JMX agent, so that a test reads the broker's own meters ({@link #meterCount}): 127.0.0.1 only,
     * without authentication or TLS (a test broker; never configure a real one this way).
     */
    private static List<String> jmx(int port) {
        return List.of("-Dcom.sun.management.jmxremote.port=" + port, "-Dcom.sun.management.jmxremote.rmi.port=" + port,
                "-Dcom.sun.management.jmxremote.host=127.0.0.1", "-Djava.rmi.server.hostname=127.0.0.1",
                "-Dcom.sun.management.jmxremote.authenticate=false", "-Dcom.sun.management.jmxremote.ssl=false");
    }

    /**
     * The {@code Count} of one of the broker's meters (a Yammer meter seen through JMX), e.g.
     * {@code kafka.server:type=ShareGroupMetrics,name=RecordAcknowledgementsPerSec,ackType=Reject}; 0 while the broker
     * has not registered it (a meter appears when first marked).
     */
    public long meterCount(String objectName) {
        javax.management.remote.JMXServiceURL url;
        try {
            url = new javax.management.remote.JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + jmxPort + "/jmxrmi");
        } catch (java.net.MalformedURLException e) {
            throw new IllegalStateException(e);
        }
        try (javax.management.remote.JMXConnector c = javax.management.remote.JMXConnectorFactory.connect(url)) {
            javax.management.MBeanServerConnection server = c.getMBeanServerConnection();
            javax.management.ObjectName name = new javax.management.ObjectName(objectName);
            if (!server.isRegistered(name)) return 0;
            return ((Number) server.getAttribute(name, "Count")).longValue();
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + objectName + " from the broker's JMX on 127.0.0.1:" + jmxPort, e);
        } catch (javax.management.JMException e) {
            throw new IllegalStateException("reading " + objectName + " from the broker's JMX", e);
        }
    }

    private static Process java(Path dir, Path log, List<String> options, String main, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of("-Xms128m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dkafka.logs.dir=" + dir.resolve("logs"), "-Djava.awt.headless=true"));
        command.addAll(options);
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
