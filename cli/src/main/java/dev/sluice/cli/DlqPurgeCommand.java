package dev.sluice.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.DeadLetterFilter;
import dev.sluice.Redaction;
import dev.sluice.SluiceException;
import dev.sluice.core.DeadLetters;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sluice dlq purge}: deletes dead letters for good, only with {@code --yes}. */
@Command(name = "purge", mixinStandardHelpOptions = true, header = "Delete dead letters for good", sortOptions = false,
        description = {"Delete dead letters (all, or those the filters pick) for good. "
            + "Without --yes it only counts them and exits 2. Ctrl-C stops after the batch in hand and exits 130."})
final class DlqPurgeCommand implements Callable<Integer> {
    private final CliContext context;

    @Mixin
    DlqArguments queue;

    @Mixin
    FilterOptions filters;

    @Option(names = "--yes", description = "really delete")
    boolean yes;

    @Option(names = "--json", description = "print the summary as JSON")
    boolean json;

    DlqPurgeCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws InterruptedException {
        try (Session session = context.session()) {
            QueueTarget target = queue.resolve(session);
            DeadLetterFilter filter = filters.filter(session.sluice().scheduler().now());
            DeadLetters dead = DlqArguments.open(session, target);
            String from = Redaction.uri(dead.uri());
            if (!yes) {
                long n;
                try {
                    n = dead.count(filter);
                } catch (SluiceException e) {
                    throw CliFailure.broker(target, "reading the dead letters of", e);
                }
                throw new CliFailure(ExitCode.USAGE, "purge deletes dead letters for good: " + n + " dead letter"
                        + (n == 1 ? "" : "s") + FilterOptions.describe(filter) + " in " + from
                        + " would be deleted; add --yes to delete them");
            }
            AtomicBoolean cancel = new AtomicBoolean();
            long deleted;
            try (Interrupts.Registration ctrlC = context.env.interrupts().register(() -> cancel.set(true))) {
                try (ProgressLine progress = new ProgressLine(context.env.err(), context.env.errIsTerminal(), "deleted")) {
                    deleted = dead.purge(filter, progress::update, cancel::get);
                } catch (SluiceException e) {
                    throw CliFailure.broker(target, "purging the dead letters of", e);
                }
                if (json) {
                    ObjectNode o = context.json.createObjectNode();
                    o.put("deadLetterQueue", from);
                    o.put("deleted", deleted);
                    o.put("cancelled", cancel.get());
                    context.printJson(o);
                } else {
                    if (cancel.get()) context.env.out().println("interrupted: stopped after the batch in hand");
                    context.env.out().println("deleted " + deleted + " dead letter" + (deleted == 1 ? "" : "s")
                            + FilterOptions.describe(filter) + " from " + from);
                    context.env.out().flush();
                }
            }
            return cancel.get() ? ExitCode.INTERRUPTED : ExitCode.OK;
        }
    }
}
