package dev.sluice.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.QueueDepth;
import dev.sluice.QueueStats;
import dev.sluice.Redaction;
import dev.sluice.SluiceException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sluice queues}: each queue's depth and its DLQ's, from the portable stats call. */
@Command(name = "queues", mixinStandardHelpOptions = true, header = "List queues with their depth and dead letters waiting", sortOptions = false,
        description = {"List queues with their depth, in flight, delayed, oldest age and dead letters waiting. "
            + "Counts are what the broker reports now (approximate on SQS; what a broker cannot tell is '-', with a note)."})
final class QueuesCommand implements Callable<Integer> {
    private final CliContext context;

    @Parameters(arity = "0..*", paramLabel = "<queue>",
            description = "configured queue names or queue URIs (default: every configured queue)")
    List<String> queues = new ArrayList<>();

    @Option(names = "--json", description = "print JSON instead of a table")
    boolean json;

    QueuesCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        try (Session session = context.session()) {
            List<QueueTarget> targets = queues.isEmpty() ? session.configured()
                    : queues.stream().map(q -> session.resolve(q, null)).toList();
            Table table = new Table("QUEUE", "VISIBLE", "IN FLIGHT", "DELAYED", "OLDEST", "DLQ", "BROKER", "URI");
            ArrayNode array = context.json.createArrayNode();
            List<String> notes = new ArrayList<>();
            List<String> failures = new ArrayList<>();
            for (QueueTarget t : targets) {
                QueueStats stats;
                try {
                    stats = session.sluice().stats(t.spec());
                } catch (SluiceException e) {
                    failures.add(CliFailure.broker(t, "reading the depth of", e).getMessage());
                    table.row(t.label(), "?", "?", "?", "?", "?", t.broker(), Redaction.uri(t.uri()));
                    continue;
                }
                QueueDepth q = stats.queue();
                QueueDepth dlq = stats.deadLetterQueue();
                table.row(t.label(), count(q.visible()), count(q.inFlight()), count(q.delayed()),
                        q.oldestAge().map(QueuesCommand::age).orElse("-"), count(deadLetters(dlq)), t.broker(),
                        Redaction.uri(t.uri()));
                if (!q.note().isEmpty()) notes.add(t.label() + ": " + q.note());
                if (!dlq.note().isEmpty() && !dlq.note().equals(q.note())) notes.add(t.label() + " DLQ: " + dlq.note());
                array.add(json(t, q, dlq));
            }
            if (json) {
                context.printJson(array);
            } else {
                table.print(context.env.out());
                notes.forEach(n -> context.env.out().println("note: " + n));
                context.env.out().flush();
            }
            if (failures.isEmpty()) return ExitCode.OK;
            failures.forEach(f -> context.env.err().println("sluice: " + f));
            context.env.err().flush();
            return ExitCode.UNREACHABLE;
        }
    }

    /** Dead letters waiting: all the DLQ holds when the broker tells, else those visible. */
    private static OptionalLong deadLetters(QueueDepth dlq) {
        return dlq.total().isPresent() ? dlq.total() : dlq.visible();
    }

    private ObjectNode json(QueueTarget t, QueueDepth q, QueueDepth dlq) {
        ObjectNode n = context.json.createObjectNode();
        if (t.name() != null) n.put("name", t.name());
        n.put("uri", Redaction.uri(t.uri()));
        n.put("broker", t.broker());
        put(n, "visible", q.visible());
        put(n, "inFlight", q.inFlight());
        put(n, "delayed", q.delayed());
        if (q.oldestAge().isPresent()) n.put("oldestAgeSeconds", q.oldestAge().get().toSeconds());
        else n.putNull("oldestAgeSeconds");
        n.put("deadLetterQueue", Redaction.uri(dlq.queue()));
        put(n, "deadLetters", deadLetters(dlq));
        if (!q.note().isEmpty()) n.put("note", q.note());
        return n;
    }

    private static void put(ObjectNode n, String field, OptionalLong v) {
        if (v.isPresent()) n.put(field, v.getAsLong());
        else n.putNull(field);
    }

    private static String count(OptionalLong v) {
        return v.isPresent() ? String.valueOf(v.getAsLong()) : "-";
    }

    static String age(Duration d) {
        long s = d.toSeconds();
        if (s < 120) return s + "s";
        if (s < 7200) return (s / 60) + "m";
        if (s < 172_800) return (s / 3600) + "h";
        return (s / 86_400) + "d";
    }
}
