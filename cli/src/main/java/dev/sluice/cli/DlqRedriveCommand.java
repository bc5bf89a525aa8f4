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

/** {@code sluice dlq redrive}: moves dead letters back to their queue, with progress; Ctrl-C stops it cleanly. */
@Command(name = "redrive", mixinStandardHelpOptions = true, header = "Move dead letters back to their queue", sortOptions = false,
        description = {"Move dead letters (all, or those the filters pick) back to their queue, as first sent. "
            + "Each is deleted from the DLQ only after the queue took it. Ctrl-C stops after the batch in hand "
            + "(sent and deleted), prints what moved and exits 130: nothing is lost or left in both queues."})
final class DlqRedriveCommand implements Callable<Integer> {
    private final CliContext context;

    @Mixin
    DlqArguments queue;

    @Mixin
    FilterOptions filters;

    @Option(names = "--dry-run", description = "only count what would move (reads every dead letter once)")
    boolean dryRun;

    @Option(names = "--json", description = "print the summary as JSON")
    boolean json;

    DlqRedriveCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws InterruptedException {
        try (Session session = context.session()) {
            QueueTarget target = queue.resolve(session);
            DeadLetterFilter filter = filters.filter(session.sluice().scheduler().now());
            DeadLetters dead = DlqArguments.open(session, target);
            String from = Redaction.uri(dead.uri());
            String to = Redaction.uri(target.uri());
            if (dryRun) {
                long n;
                try {
                    n = dead.count(filter);
                } catch (SluiceException e) {
                    throw CliFailure.broker(target, "reading the dead letters of", e);
                }
                if (json) {
                    ObjectNode o = summary(from, to);
                    o.put("dryRun", true);
                    o.put("wouldMove", n);
                    context.printJson(o);
                } else {
                    context.env.out().println("dry run: would move " + n + " dead letter" + (n == 1 ? "" : "s")
                            + FilterOptions.describe(filter) + " from " + from + " to " + to);
                    context.env.out().flush();
                }
                return ExitCode.OK;
            }
            AtomicBoolean cancel = new AtomicBoolean();
            DeadLetters.RedriveResult result;
            try (Interrupts.Registration ctrlC = context.env.interrupts().register(() -> cancel.set(true))) {
                try (ProgressLine progress = new ProgressLine(context.env.err(), context.env.errIsTerminal(), "moved")) {
                    result = dead.redrive(filter, progress::update, cancel::get);
                } catch (SluiceException e) {
                    throw CliFailure.broker(target, "redriving the dead letters of", e);
                }
                print(result, filter, from, to);
            }
            if (result.notDeleted() > 0) return ExitCode.FAILURE;
            return result.cancelled() ? ExitCode.INTERRUPTED : ExitCode.OK;
        }
    }

    private void print(DeadLetters.RedriveResult r, DeadLetterFilter filter, String from, String to) {
        if (json) {
            ObjectNode o = summary(from, to);
            o.put("moved", r.moved());
            o.put("kept", r.kept());
            o.put("notDeleted", r.notDeleted());
            o.put("cancelled", r.cancelled());
            context.printJson(o);
        } else {
            var out = context.env.out();
            if (r.cancelled()) out.println("interrupted: stopped after the batch in hand; nothing is in both queues");
            out.println("moved " + r.moved() + " dead letter" + (r.moved() == 1 ? "" : "s") + FilterOptions.describe(filter)
                    + " from " + from + " to " + to + "; kept " + r.kept() + " in the DLQ");
            out.flush();
        }
        if (r.notDeleted() > 0) {
            context.env.err().println("sluice: " + r.notDeleted() + " dead letter(s) were sent back to " + to
                    + " but could not be deleted from " + from + " (see the log above): they are in both queues;"
                    + " a worker's idempotency interceptor, or deleting them from the DLQ, settles it");
            context.env.err().flush();
        }
    }

    private ObjectNode summary(String from, String to) {
        ObjectNode o = context.json.createObjectNode();
        o.put("queue", to);
        o.put("deadLetterQueue", from);
        return o;
    }
}
