package dev.sluice.cli;

import dev.sluice.DeadLetterFilter;
import dev.sluice.runtime.config.Durations;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Option;

/** The dead-letter filter options peek, redrive and purge share; together they make a {@link DeadLetterFilter}. */
final class FilterOptions {
    @Option(names = "--type", paramLabel = "<type>", description = "only dead letters of this event type")
    String type;

    @Option(names = "--reason-contains", paramLabel = "<text>",
            description = "only those whose reason (cause, exception, its message) contains this text, ignoring case")
    String reasonContains;

    @Option(names = "--since", paramLabel = "<when>", description = "only those dead-lettered at or after this: an "
            + "instant (2026-11-28T10:00:00Z) or a time back from now (30m, 2h, PT36H)")
    String since;

    @Option(names = "--id", paramLabel = "<message-id>", split = ",",
            description = "only these dead letters, by the message id peek shows (repeat, or separate with commas)")
    List<String> ids = new ArrayList<>();

    /** The filter these options make, {@code --since} as a duration counted back from {@code now}. */
    DeadLetterFilter filter(Instant now) {
        return DeadLetterFilter.all().withType(type).withReasonContaining(reasonContains).withSince(since(now))
                .withMessageIds(Set.copyOf(ids));
    }

    private Instant since(Instant now) {
        if (since == null) return null;
        try {
            return Instant.parse(since);
        } catch (DateTimeParseException notAnInstant) {
            Duration back = Durations.parse(since.trim());
            if (back == null) {
                throw new CliFailure(ExitCode.USAGE, "--since is '" + since + "': write an instant such as "
                        + "2026-11-28T10:00:00Z, or a time back from now such as 30m, 2h or PT36H");
            }
            return now.minus(back);
        }
    }

    /** The filter in words, for summaries: "of type x, reason containing 'y'", or "" for all. */
    static String describe(DeadLetterFilter f) {
        List<String> parts = new ArrayList<>();
        if (f.type() != null) parts.add("of type " + f.type());
        if (f.reasonContains() != null) parts.add("with a reason containing '" + f.reasonContains() + "'");
        if (f.since() != null) parts.add("dead-lettered since " + f.since());
        if (!f.messageIds().isEmpty()) parts.add("with ids " + f.messageIds());
        return parts.isEmpty() ? "" : " " + String.join(", ", parts);
    }
}
