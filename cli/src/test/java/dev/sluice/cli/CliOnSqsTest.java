package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
        return CliHarness.opening(env);
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

    @Test
    void peekShowDataDecryptsWithTheConfiguredKeyElsePrintsTheCiphertextAndWhichKeyIsMissing() throws Exception {
        String name = freshName("encrypted");
        URI uri = queueUri(name);
        String k1 = dev.sluice.testkit.EncryptionConformance.newKey("k1");
        try (Sluice producer = Sluice.builder().keyProvider(dev.sluice.crypto.LocalKeyring.of(k1)).encrypted(uri.toString())
                .build()) {
            DeadLetterFixture.deadLettered(producer, uri, 1, 0);
        }
        Map<String, String> queue = Map.of("SLUICE_QUEUE_" + name.toUpperCase(java.util.Locale.ROOT).replace('-', '_') + "_URI",
                uri.toString());

        Map<String, String> withKey = new java.util.HashMap<>(queue);
        withKey.put("SLUICE_KEYRING", k1);
        CliHarness.Result decrypted = cli(withKey).run("dlq", "peek", name, "--show-data", "--json");
        assertThat(decrypted.exit()).as(decrypted.toString()).isZero();
        JsonNode letter = new ObjectMapper().readTree(decrypted.out()).get("letters").get(0);
        assertThat(letter.get("data").asText()).isEqualTo("{\"n\":0}");
        assertThat(letter.get("encryption").get("keyId").asText()).isEqualTo("k1");
        assertThat(letter.get("encryption").get("decrypted").asBoolean()).isTrue();
        CliHarness.Result table = cli(withKey).run("dlq", "peek", name, "--show-data");
        assertThat(table.out()).as(table.toString()).contains("{\"n\":0}").doesNotContain("encrypted, no key");

        CliHarness.Result keyless = cli(queue).run("dlq", "peek", name, "--show-data");
        assertThat(keyless.exit()).as(keyless.toString()).isZero();
        assertThat(keyless.out()).contains("encrypted, no key for k1: {\"v\":1,\"alg\":\"A256GCM\",\"kid\":\"k1\"")
                .doesNotContain("{\"n\":0}");
        assertThat(keyless.err()).contains("shown as ciphertext: encrypted, no key for k1", "SLUICE_KEYRING");

        Map<String, String> otherKey = new java.util.HashMap<>(queue);
        otherKey.put("SLUICE_KEYRING", dev.sluice.testkit.EncryptionConformance.newKey("k2"));
        CliHarness.Result wrong = cli(otherKey).run("dlq", "peek", name, "--show-data", "--json");
        JsonNode ciphertext = new ObjectMapper().readTree(wrong.out()).get("letters").get(0);
        assertThat(ciphertext.get("data").asText()).contains("\"ct\":").doesNotContain("\"n\":0");
        assertThat(ciphertext.get("encryption").get("decrypted").asBoolean()).isFalse();
        assertThat(ciphertext.get("encryption").get("problem").asText()).isEqualTo("encrypted, no key for k1");

        CliHarness.Result broken = cli(Map.of("SLUICE_KEYRING", "k1:not-base64!")).run("dlq", "peek", uri.toString(), "--show-data");
        assertThat(broken.exit()).as(broken.toString()).isEqualTo(2);
        assertThat(broken.err()).contains("SLUICE_KEYRING").doesNotContain("not-base64");
    }
}
