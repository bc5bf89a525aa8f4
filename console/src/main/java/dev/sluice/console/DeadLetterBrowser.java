package dev.sluice.console;

import dev.sluice.DeadLetter;
import dev.sluice.DeadLetterFilter;
import dev.sluice.core.DeadLetters;
import dev.sluice.core.Sluice;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Set;

/** The console's view of each queue's dead letters, in pages of {@value #PAGE_SIZE}, through {@link DeadLetters}. */
final class DeadLetterBrowser {
    static final int PAGE_SIZE = 50;

    /**
     * The filter of a DLQ page's form: the event type (exact) and text the reason contains (any case), as
     * {@link DeadLetterFilter} defines them.
     */
    record Filter(String type, String reason) {
        Filter {
            type = type == null || type.isBlank() ? "" : type.trim();
            reason = reason == null || reason.isBlank() ? "" : reason.trim();
            if (type.length() > 200 || reason.length() > 200) {
                throw new IllegalArgumentException("a filter is at most 200 characters");
            }
        }

        DeadLetterFilter toApi() {
            return DeadLetterFilter.all().withType(type).withReasonContaining(reason);
        }

        boolean isEmpty() {
            return type.isEmpty() && reason.isEmpty();
        }

        /** For the audit log and headings. */
        String describe() {
            if (isEmpty()) return "all";
            StringBuilder s = new StringBuilder();
            if (!type.isEmpty()) s.append("type=").append(type);
            if (!reason.isEmpty()) s.append(s.length() > 0 ? " " : "").append("reason~").append(reason);
            return s.toString();
        }

        String query() {
            return "type=" + Html.url(type) + "&reason=" + Html.url(reason);
        }
    }

    /** One page of dead letters; {@code hasNext} when more match after it. */
    record Page(List<DeadLetter> items, int number, boolean hasNext) {
    }

    private final Sluice sluice;
    private final Map<String, DeadLetters> views = new ConcurrentHashMap<>();

    DeadLetterBrowser(Sluice sluice) {
        this.sluice = sluice;
    }

    DeadLetters of(ConsoleQueue q) {
        return views.computeIfAbsent(q.name(), n -> sluice.deadLetters(q.spec()));
    }

    Page page(ConsoleQueue q, Filter filter, int number) throws InterruptedException {
        DeadLetters.Page p = of(q).browse(filter.toApi(), number * PAGE_SIZE, PAGE_SIZE);
        return new Page(p.letters(), number, p.more());
    }

    Optional<DeadLetter> find(ConsoleQueue q, String messageId) throws InterruptedException {
        return of(q).peek(DeadLetterFilter.all().withMessageIds(Set.of(messageId)), 1).stream().findFirst();
    }

    DeadLetters.RedriveResult redrive(ConsoleQueue q, DeadLetterFilter which) throws InterruptedException {
        return of(q).redrive(which);
    }

    long purge(ConsoleQueue q, DeadLetterFilter which) throws InterruptedException {
        return of(q).purge(which);
    }
}
