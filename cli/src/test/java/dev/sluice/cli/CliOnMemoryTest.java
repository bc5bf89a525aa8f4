package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.core.Sluice;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI on {@code mem://}, sharing the test's Sluice (a {@code mem://} queue lives in one Sluice): the dead-letter
 * cases of {@link CliContract}, and what does not depend on the broker: queues, publish, usage errors, help, completion.
 */
class CliOnMemoryTest extends CliContract {
    private final Sluice sluice = Sluice.create();

    @AfterEach
    void close() {
        sluice.close();
    }

    @Override
    Sluice sluice() {
        return sluice;
    }

    @Override
    URI queueUri(String name) {
        return URI.create("mem://" + name);
    }

    @Override
    CliHarness cli(Map<String, String> env) {
        return new CliHarness(env, () -> sluice, false);
    }

    @Test
    void queuesListsEveryConfiguredQueueWithItsDepthAndDeadLetters() throws Exception {
        deadLettered(URI.create("mem://emails"), 2, 1);
        CliHarness cli = cli(Map.of("SLUICE_QUEUE_EMAILS_URI", "mem://emails", "SLUICE_QUEUE_ORDERS_URI", "mem://orders"));
        sluice.publisher("mem://orders").publish("order.placed", Map.of("id", 7)).get();

        CliHarness.Result table = cli.run("queues");
        assertThat(table.exit()).as(table.toString()).isZero();
        assertThat(table.out().lines().toList()).containsExactly(
                "QUEUE   VISIBLE  IN FLIGHT  DELAYED  OLDEST  DLQ  BROKER     URI",
                "emails  0        0          0        -       3    in-memory  mem://emails",
                "orders  1        0          0        0s      0    in-memory  mem://orders");

        CliHarness.Result json = cli.run("queues", "--json", "orders");
        JsonNode orders = new ObjectMapper().readTree(json.out()).get(0);
        assertThat(orders.get("name").asText()).isEqualTo("orders");
        assertThat(orders.get("visible").asLong()).isEqualTo(1);
        assertThat(orders.get("deadLetterQueue").asText()).isEqualTo("mem://orders-dlq");
        assertThat(orders.get("deadLetters").asLong()).isZero();
    }

    @Test
    void publishSendsOneCloudEventWithTheJsonData(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("signup.json"), "{\"email\":\"ada@example.com\"}");
        CliHarness cli = cli(Map.of("SLUICE_QUEUE_SIGNUPS_URI", "mem://signups"));

        CliHarness.Result r = cli.run("publish", "signups", "--type", "user.signed-up", "--id", "u-1", "--data", "@" + file);
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).startsWith("published user.signed-up u-1 to mem://signups");
        var got = sluice.driver(URI.create("mem://signups")).receive(1, java.time.Duration.ofSeconds(1));
        assertThat(got).hasSize(1);
        var event = new dev.sluice.codec.CloudEventCodec(sluice.driver(URI.create("mem://signups")).capabilities())
                .decode(got.get(0), URI.create("mem://signups"));
        assertThat(event.getType()).isEqualTo("user.signed-up");
        assertThat(new String(event.getData().toBytes())).isEqualTo("{\"email\":\"ada@example.com\"}");
    }

    @Test
    void publishRefusesDataThatIsNotJsonWithoutQuotingIt() {
        CliHarness.Result r = cli(Map.of()).run("publish", "mem://x", "--type", "t", "--data", "{secret-token: 12");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--data: the value is not JSON (line 1, column").doesNotContain("secret-token");
        CliHarness.Result missing = cli(Map.of()).run("publish", "mem://x", "--type", "t", "--data", "@/no/such/file.json");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("--data names the file /no/such/file.json, which does not exist");
    }

    @Test
    void publishRefusesAQueueConfiguredAsEncrypted() {
        String key = java.util.Base64.getEncoder().encodeToString(new byte[32]);
        CliHarness.Result r = cli(Map.of("SLUICE_QUEUE_PAYMENTS_URI", "mem://payments", "SLUICE_QUEUE_PAYMENTS_ENCRYPTED",
                "true", "SLUICE_KEYRING", "k1:" + key)).run("publish", "payments", "--type", "t", "--data", "{}");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("queue 'payments'", "is configured as encrypted", "refuses to publish plaintext");
        assertThat(sluice.stats(dev.sluice.QueueSpec.of("mem://payments")).queue().visible()).hasValue(0);
    }

    @Test
    void anUndecodableDeadLetterIsShownAsItsRawBytesWithTheReasonAndIsStillRedriven() throws Exception {
        URI uri = URI.create("mem://raw");
        dev.sluice.QueueSpec spec = dev.sluice.QueueSpec.of(uri.toString());
        try (var worker = sluice.worker(spec).on("anything", (e, d) -> { }).start()) {
            // a CloudEvent without its required id
            sluice.driver(uri).send(java.util.List.of(new dev.sluice.spi.OutboundMessage("raw-1",
                    "plain bytes, no CloudEvent".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    Map.of("ce-specversion", "1.0", "ce-source", "/s", "ce-type", "anything"), null, null,
                    java.time.Duration.ZERO)));
            dev.sluice.testkit.Await.until("the raw message dead-lettered", () -> {
                try {
                    return DeadLetterFixture.count(sluice, spec) == 1;
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
        }
        CliHarness cli = cli(Map.of());
        CliHarness.Result table = cli.run("dlq", "peek", uri.toString());
        assertThat(table.out()).contains("UNDECODABLE").doesNotContain("plain bytes");
        JsonNode letter = new ObjectMapper().readTree(cli.run("dlq", "peek", uri.toString(), "--json", "--show-data").out())
                .get("letters").get(0);
        assertThat(letter.get("cause").asText()).isEqualTo("UNDECODABLE");
        assertThat(letter.has("type")).isFalse();
        assertThat(letter.get("decodeError").asText()).isNotBlank();
        assertThat(letter.get("data").asText()).isEqualTo("plain bytes, no CloudEvent");

        CliHarness.Result moved = cli.run("dlq", "redrive", uri.toString(), "--reason-contains", "undecodable");
        assertThat(moved.exit()).as(moved.toString()).isZero();
        assertThat(moved.out()).contains("moved 1 dead letter");
        assertThat(new String(sluice.driver(uri).receive(1, java.time.Duration.ofSeconds(1)).get(0).body(),
                java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("plain bytes, no CloudEvent");
    }

    @Test
    void anUnknownQueueNameExits3NamingTheConfiguredOnes() {
        CliHarness.Result r = cli(Map.of("SLUICE_QUEUE_ORDERS_URI", "mem://orders")).run("dlq", "peek", "invoices");
        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.err()).contains("no queue named 'invoices' is configured (configured: [orders])")
                .contains("SLUICE_QUEUE_INVOICES_URI");
    }

    @Test
    void usageErrorsExit2AndSayWhatIsWrong() {
        CliHarness cli = cli(Map.of());
        assertThat(cli.run("dlq", "peek").exit()).as("missing <queue>").isEqualTo(2);
        CliHarness.Result max = cli.run("dlq", "peek", "mem://q", "-n", "0");
        assertThat(max.exit()).isEqualTo(2);
        assertThat(max.err()).contains("--max is 0; it must be 1 to 1000");
        CliHarness.Result since = cli.run("dlq", "peek", "mem://q", "--since", "yesterday");
        assertThat(since.exit()).isEqualTo(2);
        assertThat(since.err()).contains("--since is 'yesterday'");
        CliHarness.Result scheme = cli.run("dlq", "peek", "nats://q");
        assertThat(scheme.exit()).isEqualTo(2);
        assertThat(scheme.err()).contains("no Sluice driver for scheme 'nats'");
        CliHarness.Result none = cli.run();
        assertThat(none.exit()).isEqualTo(2);
        assertThat(none.err()).contains("usage: sluice");
        CliHarness.Result noQueues = cli.run("queues");
        assertThat(noQueues.exit()).isEqualTo(2);
        assertThat(noQueues.err()).contains("no queue is configured: set SLUICE_QUEUE_<NAME>_URI");
    }

    @Test
    void helpReadsLikeGitsAndListsTheExitCodes() {
        CliHarness.Result help = cli(Map.of()).run("--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).startsWith("usage: sluice [-h | --help] [-V | --version] [--config=<file>]\n              <command> [<args>]\n")
                .contains("These are the sluice commands:", "queues", "dlq", "publish", "completion")
                .contains("See 'sluice help <command>'", "Exit codes:", "130  interrupted");
        CliHarness.Result redrive = cli(Map.of()).run("dlq", "redrive", "--help");
        assertThat(redrive.exit()).isZero();
        assertThat(redrive.out()).contains("--dry-run", "--type", "--reason-contains", "--since", "Ctrl-C");
    }

    @Test
    void completionPrintsABashScriptForEveryCommand() {
        CliHarness.Result r = cli(Map.of()).run("completion");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("complete -F _complete_sluice", "redrive", "--reason-contains", "--dry-run");
    }
}
