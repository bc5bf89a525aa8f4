package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.PermanentFailureException;
import dev.sluice.QueueSpec;
import dev.sluice.core.Sluice;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The CLI's dead-letter commands on one broker: peek with filters, dry run, filtered redrive, purge, and a redrive
 * interrupted half-way, on real dead letters (made by a worker whose handler throws
 * {@link PermanentFailureException}, so the reasons are real). A subclass names the broker.
 */
abstract class CliContract {
    static final String MAIL = DeadLetterFixture.MAIL;
    static final String BOUNCE = DeadLetterFixture.BOUNCE;
    private static final AtomicInteger NAMES = new AtomicInteger();
    private final ObjectMapper json = new ObjectMapper();

    /** The Sluice the test's worker runs on. */
    abstract Sluice sluice();

    /** A fresh queue's URI. */
    abstract URI queueUri(String name);

    /** The CLI, with {@code env} as its environment. */
    abstract CliHarness cli(Map<String, String> env);

    static String freshName(String base) {
        return base + "-" + NAMES.incrementAndGet() + "-" + ProcessHandle.current().pid() % 10_000;
    }

    /** The CLI configured with queue {@code name} at {@code uri}, as the runtime would be. */
    CliHarness configured(String name, URI uri) {
        return cli(Map.of("SLUICE_QUEUE_" + name.toUpperCase(Locale.ROOT).replace('-', '_') + "_URI", uri.toString()));
    }

    /** A queue whose worker dead-lettered {@code mails} mail.send events ("smtp down") and {@code bounces} mail.bounce ("bad address"). */
    QueueSpec deadLettered(URI uri, int mails, int bounces) throws Exception {
        return DeadLetterFixture.deadLettered(sluice(), uri, mails, bounces);
    }

    private static long count(Sluice sluice, QueueSpec spec) throws InterruptedException {
        return DeadLetterFixture.count(sluice, spec);
    }

    @Test
    void peekShowsReasonsFiltersAndHidesDataUnlessAsked() throws Exception {
        String name = freshName("peek");
        URI uri = queueUri(name);
        deadLettered(uri, 3, 2);
        CliHarness cli = configured(name, uri);

        CliHarness.Result all = cli.run("dlq", "peek", name);
        assertThat(all.exit()).as(all.toString()).isZero();
        assertThat(all.out().lines().toList()).hasSize(6).first().asString()
                .startsWith("MESSAGE ID").contains("TYPE", "EVENT ID", "ATTEMPTS", "DEAD-LETTERED", "REASON");
        assertThat(all.out()).contains("PERMANENT_FAILURE after 1 attempt: dev.sluice.PermanentFailureException: smtp down")
                .doesNotContain("{\"n\":");
        assertThat(all.err()).contains("data hidden (--show-data shows it)");
        List<String> lines = all.out().lines().toList();
        int reasonColumn = lines.get(0).indexOf("REASON");
        assertThat(lines.subList(1, lines.size())).as("aligned columns")
                .allSatisfy(l -> assertThat(l.substring(reasonColumn)).startsWith("PERMANENT_FAILURE"));

        CliHarness.Result bounces = cli.run("dlq", "peek", name, "--reason-contains", "BAD ADDRESS", "--json", "--show-data");
        assertThat(bounces.exit()).as(bounces.toString()).isZero();
        JsonNode page = json.readTree(bounces.out());
        assertThat(page.get("letters")).hasSize(2);
        assertThat(page.get("more").asBoolean()).isFalse();
        for (JsonNode l : page.get("letters")) {
            assertThat(l.get("type").asText()).isEqualTo(BOUNCE);
            assertThat(l.get("message").asText()).isEqualTo("bad address");
            assertThat(l.get("data").asText()).startsWith("{\"n\":");
        }

        CliHarness.Result typed = cli.run("dlq", "peek", name, "--type", MAIL, "-n", "2", "--since", "10m", "--json");
        JsonNode typedPage = json.readTree(typed.out());
        assertThat(typedPage.get("letters")).hasSize(2).allSatisfy(l -> {
            assertThat(l.get("type").asText()).isEqualTo(MAIL);
            assertThat(l.has("data")).as("data hidden without --show-data").isFalse();
        });
        assertThat(typedPage.get("more").asBoolean()).isTrue();

        CliHarness.Result future = cli.run("dlq", "peek", name, "--since", "2999-01-01T00:00:00Z");
        assertThat(future.exit()).isZero();
        assertThat(future.out()).isEmpty();
        assertThat(future.err()).contains("no dead letters dead-lettered since 2999-01-01T00:00:00Z");
    }

    @Test
    void aDryRunCountsAndAFilteredRedriveMovesOnlyWhatMatches() throws Exception {
        String name = freshName("redrive");
        URI uri = queueUri(name);
        QueueSpec spec = deadLettered(uri, 3, 2);
        CliHarness cli = configured(name, uri);

        CliHarness.Result dry = cli.run("dlq", "redrive", name, "--type", MAIL, "--dry-run");
        assertThat(dry.exit()).as(dry.toString()).isZero();
        assertThat(dry.out()).contains("dry run: would move 3 dead letters of type " + MAIL);
        assertThat(count(sluice(), spec)).as("a dry run moves nothing").isEqualTo(5);

        CliHarness.Result moved = cli.run("dlq", "redrive", name, "--type", MAIL, "--json");
        assertThat(moved.exit()).as(moved.toString()).isZero();
        JsonNode summary = json.readTree(moved.out());
        assertThat(summary.get("moved").asInt()).isEqualTo(3);
        assertThat(summary.get("kept").asInt()).isEqualTo(2);
        assertThat(summary.get("cancelled").asBoolean()).isFalse();

        assertThat(drainIds(spec)).containsExactlyInAnyOrder(MAIL + "-0", MAIL + "-1", MAIL + "-2");
        assertThat(dlqIds(spec)).containsExactlyInAnyOrder(BOUNCE + "-3", BOUNCE + "-4");
    }

    @Test
    void purgeCountsWithoutYesAndDeletesWithIt() throws Exception {
        String name = freshName("purge");
        URI uri = queueUri(name);
        QueueSpec spec = deadLettered(uri, 2, 2);

        CliHarness cli = cli(Map.of());
        CliHarness.Result refused = cli.run("dlq", "purge", uri.toString(), "--reason-contains", "bad address");
        assertThat(refused.exit()).isEqualTo(2);
        assertThat(refused.err()).contains("2 dead letters with a reason containing 'bad address'")
                .contains("add --yes to delete them");
        assertThat(count(sluice(), spec)).isEqualTo(4);

        CliHarness.Result purged = cli.run("dlq", "purge", uri.toString(), "--reason-contains", "bad address", "--yes");
        assertThat(purged.exit()).as(purged.toString()).isZero();
        assertThat(purged.out()).contains("deleted 2 dead letters with a reason containing 'bad address'");
        assertThat(dlqIds(spec)).containsExactlyInAnyOrder(MAIL + "-0", MAIL + "-1");
    }

    @Test
    void aRedriveInterruptedHalfWayNeitherLosesNorDuplicates() throws Exception {
        int total = 500;
        String name = freshName("ctrl-c");
        URI uri = queueUri(name);
        QueueSpec spec = deadLettered(uri, total, 0);

        CliHarness.Result r = configured(name, uri).runInterruptedAt("moved ", "dlq", "redrive", name);
        assertThat(r.exit()).as(r.toString()).isEqualTo(130);
        assertThat(r.out()).contains("interrupted: stopped after the batch in hand");
        Matcher m = Pattern.compile("moved (\\d+) dead letters? from .* kept (\\d+) in the DLQ").matcher(r.out());
        assertThat(m.find()).as(r.out()).isTrue();
        int moved = Integer.parseInt(m.group(1));
        assertThat(moved).as("stopped part-way").isPositive().isLessThan(total);

        Set<String> inSource = drainIds(spec);
        List<String> inDlq = dlqIds(spec);
        assertThat(inSource).as("what the summary says moved is in the queue").hasSize(moved);
        assertThat(inDlq).as("the rest is in the DLQ, once each").hasSize(total - moved).doesNotHaveDuplicates();
        assertThat(inDlq).as("no id in both").doesNotContainAnyElementsOf(inSource);
    }

    Set<String> drainIds(QueueSpec spec) throws Exception {
        return DeadLetterFixture.drainIds(sluice(), spec);
    }

    List<String> dlqIds(QueueSpec spec) throws InterruptedException {
        return DeadLetterFixture.dlqIds(sluice(), spec);
    }
}
