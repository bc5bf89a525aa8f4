package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The shaded jar the README tells users to run, as a child process: {@code java -jar} and the launcher without a
 * class path. Runs in the package phase, after the jar is built ({@code mvn package} or {@code verify}).
 */
class ExecutableJarIT {

    private static Path jar() throws IOException {
        List<Path> jars = new ArrayList<>();
        try (DirectoryStream<Path> d = Files.newDirectoryStream(ChildProcess.moduleDir().resolve("target"), "sluice-cli-*-all.jar")) {
            d.forEach(jars::add);
        }
        assertThat(jars).as("the shaded jar in target/ (this test runs after the shade plugin, in package)").hasSize(1);
        return jars.get(0);
    }

    @Test
    void theJarRunsEveryCommandsHelpAndReportsExitCodes() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ChildProcess help = ChildProcess.start(List.of(java, "-jar", jar().toString(), "--help"), Map.of());
        assertThat(help.exit(60)).as(help.toString()).isZero();
        assertThat(help.out()).startsWith("usage: sluice").contains("queues", "dlq", "publish", "completion");

        ChildProcess version = ChildProcess.start(List.of("bash", "bin/sluice", "--version"), Map.of());
        assertThat(version.exit(60)).as(version.toString()).isZero();
        assertThat(version.out()).startsWith("sluice 0.");

        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closed = s.getLocalPort();
        }
        // every driver is in the jar: each scheme is found (the brokers are not running: exit 3, or 2 for none)
        for (String uri : List.of("sqs://q?endpoint=http://127.0.0.1:" + closed,
                "amqp://guest:guest@127.0.0.1:" + closed + "/q", "redis://127.0.0.1:" + closed + "/q")) {
            ChildProcess p = ChildProcess.start(List.of("bash", "bin/sluice", "dlq", "peek", uri), Map.of());
            assertThat(p.exit(120)).as(uri + "\n" + p).isEqualTo(3);
            assertThat(p.err()).doesNotContain("no Sluice driver");
        }
        ChildProcess unknown = ChildProcess.start(List.of("bash", "bin/sluice", "queues", "nats://q"), Map.of());
        assertThat(unknown.exit(60)).isEqualTo(2);
        assertThat(unknown.err()).contains("drivers on the class path: [amqp, amqps, kafka, mem, pubsub, redis, rediss, sqs]");
    }
}
