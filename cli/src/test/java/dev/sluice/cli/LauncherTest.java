package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.QueueSpec;
import dev.sluice.core.Sluice;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.elasticmq.NodeAddress;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The launcher script {@code cli/bin/sluice} as a child process, running the CLI's main from this build's class path
 * ({@code SLUICE_CLI_CLASSPATH}; {@link ExecutableJarIT} runs the shaded jar): help, exit codes, and a real Ctrl-C
 * (SIGINT) in the middle of a redrive on SQS (ElasticMQ in this JVM).
 */
class LauncherTest {
    private static SQSRestServer server;
    private static int port;
    private static Sluice sluice;

    @BeforeAll
    static void start() throws IOException {
        port = freePort();
        server = SQSRestServerBuilder.withInterface("127.0.0.1").withPort(port)
                .withServerAddress(new NodeAddress("http", "127.0.0.1", port, "")).start();
        server.waitUntilStarted();
        sluice = Sluice.create();
    }

    @AfterAll
    static void stop() {
        sluice.close();
        server.stopAndGetFuture();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    private static URI queueUri(String name) {
        return URI.create("sqs://" + name + "?endpoint=http://127.0.0.1:" + port);
    }

    static ChildProcess launch(String... args) throws IOException {
        List<String> command = new java.util.ArrayList<>(List.of("bash", "bin/sluice"));
        command.addAll(List.of(args));
        return ChildProcess.start(command, Map.of("SLUICE_CLI_CLASSPATH", System.getProperty("java.class.path")));
    }

    @Test
    void helpExitsZeroAndUsageErrorsExitTwo() throws Exception {
        ChildProcess help = launch("--help");
        assertThat(help.exit(60)).as(help.toString()).isZero();
        assertThat(help.out()).startsWith("usage: sluice").contains("Exit codes:");

        ChildProcess usage = launch("dlq", "purge");
        assertThat(usage.exit(60)).as(usage.toString()).isEqualTo(2);
        assertThat(usage.err()).contains("Missing required parameter: '<queue>'");
    }

    @Test
    void anUnreachableBrokerExitsThree() throws Exception {
        ChildProcess p = launch("dlq", "peek", "sqs://orders?endpoint=http://127.0.0.1:" + freePort());
        assertThat(p.exit(120)).as(p.toString()).isEqualTo(3);
        assertThat(p.err()).contains("nothing accepts connections").doesNotContain("Exception in thread");
    }

    @Test
    void ctrlCMidRedriveFinishesTheBatchInHandPrintsTheSummaryAndExits130() throws Exception {
        int total = 500;
        URI uri = queueUri(CliContract.freshName("sigint"));
        QueueSpec spec = DeadLetterFixture.deadLettered(sluice, uri, total, 0);

        ChildProcess redrive = launch("dlq", "redrive", uri.toString());
        redrive.awaitErr("moved ", 120);
        redrive.interrupt();
        assertThat(redrive.exit(120)).as(redrive.toString()).isEqualTo(130);
        assertThat(redrive.out()).contains("interrupted: stopped after the batch in hand");
        Matcher m = Pattern.compile("moved (\\d+) dead letters? from").matcher(redrive.out());
        assertThat(m.find()).as(redrive.toString()).isTrue();
        int moved = Integer.parseInt(m.group(1));
        assertThat(moved).as("stopped part-way").isPositive().isLessThan(total);

        Set<String> inSource = DeadLetterFixture.drainIds(sluice, spec);
        List<String> inDlq = DeadLetterFixture.dlqIds(sluice, spec);
        assertThat(inSource).hasSize(moved);
        assertThat(inDlq).hasSize(total - moved).doesNotHaveDuplicates().doesNotContainAnyElementsOf(inSource);
    }
}
