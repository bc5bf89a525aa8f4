package dev.sluice.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.DeadLetter;
import dev.sluice.DeadLetterFilter;
import dev.sluice.Redaction;
import dev.sluice.SluiceException;
import dev.sluice.core.DeadLetters;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sluice dlq peek}: one page of dead letters with their reasons, left in the DLQ. */
@Command(name = "peek", mixinStandardHelpOptions = true, header = "Show dead letters and why they failed", sortOptions = false,
        description = {"Show dead letters with why they failed, a page at a time; they stay in the DLQ. "
            + "Data is hidden unless --show-data is given. Reading a page leases every dead letter up to its end"
                + " until the command returns."})
final class DlqPeekCommand implements Callable<Integer> {
    static final int MAX_PAGE = 1000;
    private final CliContext context;

    @Mixin
    DlqArguments queue;

    @Option(names = {"-n", "--max"}, paramLabel = "<n>", defaultValue = "20",
            description = "how many to show (1 to " + MAX_PAGE + "; default ${DEFAULT-VALUE})")
    int max;

    @Option(names = "--skip", paramLabel = "<n>", defaultValue = "0",
            description = "how many matching dead letters to skip first: the next page")
    int skip;

    @Mixin
    FilterOptions filters;

    @Option(names = "--show-data", description = "also show each event's data (payloads may hold personal data);"
            + " encrypted data is decrypted with the key of SLUICE_KEYRING or SLUICE_KMS_KEY, else shown as ciphertext")
    boolean showData;

    @Option(names = "--json", description = "print JSON instead of a table")
    boolean json;

    DlqPeekCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws InterruptedException {
        if (max < 1 || max > MAX_PAGE) {
            throw new CliFailure(ExitCode.USAGE, "--max is " + max + "; it must be 1 to " + MAX_PAGE);
        }
        if (skip < 0) throw new CliFailure(ExitCode.USAGE, "--skip is " + skip + "; it must be 0 or more");
        try (Session session = context.session(showData)) {
            QueueTarget target = queue.resolve(session);
            DeadLetterFilter filter = filters.filter(session.sluice().scheduler().now());
            DeadLetters dead = DlqArguments.open(session, target);
            DeadLetters.Page page;
            try {
                page = dead.browse(filter, skip, max);
            } catch (SluiceException e) {
                throw CliFailure.broker(target, "reading the dead letters of", e);
            }
            if (json) {
                ObjectNode n = context.json.createObjectNode();
                n.put("queue", Redaction.uri(target.uri()));
                n.put("deadLetterQueue", Redaction.uri(dead.uri()));
                n.put("skip", skip);
                n.put("more", page.more());
                n.put("dataShown", showData);
                ArrayNode letters = n.putArray("letters");
                for (DeadLetter d : page.letters()) {
                    letters.add(DeadLetterView.json(d, showData ? DeadLetterView.data(d, session.sluice()) : null, context.json));
                }
                context.printJson(n);
                return ExitCode.OK;
            }
            String[] headers = DeadLetterView.HEADERS;
            if (showData) {
                headers = java.util.Arrays.copyOf(headers, headers.length + 1);
                headers[headers.length - 1] = "DATA";
            }
            Table table = new Table(headers);
            Set<String> notDecrypted = new TreeSet<>();
            for (DeadLetter d : page.letters()) {
                DeadLetterView.Data data = showData ? DeadLetterView.data(d, session.sluice()) : null;
                if (data != null && data.problem() != null) notDecrypted.add(data.problem());
                table.row(DeadLetterView.row(d, data));
            }
            var err = context.env.err();
            if (table.isEmpty()) {
                err.println("no dead letters" + FilterOptions.describe(filter) + (skip > 0 ? " after the first " + skip : "")
                        + " in " + Redaction.uri(dead.uri()));
            } else {
                table.print(context.env.out());
                err.println("dead letters " + (skip + 1) + "-" + (skip + page.letters().size())
                        + FilterOptions.describe(filter) + " in " + Redaction.uri(dead.uri())
                        + (showData ? "" : "; data hidden (--show-data shows it)"));
                if (!notDecrypted.isEmpty()) {
                    err.println("shown as ciphertext: " + String.join("; ", notDecrypted) + " (the CLI decrypts with the"
                            + " key of SLUICE_KEYRING or SLUICE_KMS_KEY)");
                }
                if (page.more()) err.println("more match: add --skip " + (skip + page.letters().size()) + " for the next page");
            }
            err.flush();
            return ExitCode.OK;
        }
    }
}
