package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.Sluice;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.Map;
import org.elasticmq.NodeAddress;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The CLI on SQS: ElasticMQ embedded on 127.0.0.1, the real AWS SDK client in the SQS driver (dummy credentials for
 * a local endpoint, as for {@code mvn -pl dev exec:java}); the CLI opens a Sluice of its own, as the jar does.
 */
class CliOnSqsTest extends CliContract {
    private static SQSRestServer server;
    private static int port;
    private static Sluice sluice;

    @BeforeAll
    static void start() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
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

    @Override
    Sluice sluice() {
        return sluice;
    }

    @Override
    URI queueUri(String name) {
        return URI.create("sqs://" + name + "?endpoint=http://127.0.0.1:" + port);
    }

    @Override
    CliHarness cli(Map<String, String> env) {
        return new CliHarness(env, () -> Sluice.builder().environment(env::get).build(), true);
    }

    @Test
    void aQueueThatDoesNotExistExits3NamingItAndTheBroker() {
        CliHarness.Result r = cli(Map.of()).run("dlq", "peek", queueUri("no-such-queue").toString());
        assertThat(r.exit()).as(r.toString()).isEqualTo(3);
        assertThat(r.err()).contains("queue sqs://no-such-queue", "(SQS standard)", "what to do: check the queue name or URI");
    }

    @Test
    void aBrokerThatIsNotRunningExits3SayingWhatToDo() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closed = s.getLocalPort();
        }
        CliHarness.Result r = cli(Map.of("SLUICE_QUEUE_ORDERS_URI", "sqs://orders?endpoint=http://127.0.0.1:" + closed))
                .run("queues");
        assertThat(r.exit()).as(r.toString()).isEqualTo(3);
        assertThat(r.err()).contains("queue 'orders'", "nothing accepts connections at http://127.0.0.1:" + closed,
                "what to do: check that the SQS standard broker is running");
    }
}
