package dev.sluice.console;

import dev.sluice.DeadLetter;
import dev.sluice.DeadLetterFilter;
import dev.sluice.core.DeadLetters;
import dev.sluice.core.Sluice;
import dev.sluice.crypto.PayloadEncryption;
import dev.sluice.crypto.UndecryptableException;
import io.cloudevents.CloudEvent;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The console's view of each queue's dead letters, in pages of {@value #PAGE_SIZE}, through {@link DeadLetters}. */
final class DeadLetterBrowser {
    static final int PAGE_SIZE = 50;
    private static final Logger log = LoggerFactory.getLogger(DeadLetterBrowser.class);

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

    /**
     * What "Show data" shows of a dead letter. Not encrypted: its event as it is ({@code keyId} null). Encrypted: the
     * event decrypted with the console's key provider ({@code decrypted}), else the event with its envelope and why
     * it was not decrypted ({@code problem}).
     */
    record Shown(DeadLetter letter, CloudEvent event, String keyId, boolean decrypted, String problem) {
        boolean encrypted() {
            return keyId != null;
        }
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

    /** {@code d}'s data for an operator: decrypted through {@link Sluice#decrypt} when encrypted and the key is at hand. */
    Shown show(DeadLetter d) {
        CloudEvent e = d.event();
        if (e == null || !PayloadEncryption.isEncrypted(e)) return new Shown(d, e, null, false, null);
        String kid = keyId(e);
        try {
            return new Shown(d, sluice.decrypt(e), kid, true, null);
        } catch (UndecryptableException x) {
            return new Shown(d, e, kid, false, x.missingKeyId()
                    .map(k -> "this console has no key '" + k + "' (SLUICE_KEYRING or SLUICE_KMS_KEY gives it one)")
                    .orElse(x.getMessage()));
        } catch (RuntimeException x) {
            log.warn("console: dead letter {} could not be decrypted: the key service failed ({})", d.messageId(), x.toString());
            return new Shown(d, e, kid, false, "the key service failed (see the console's log); try again");
        }
    }

    /** The key id an encrypted event's envelope names, or why there is none. */
    static String keyId(CloudEvent encrypted) {
        return PayloadEncryption.keyId(encrypted).orElse("unknown: the envelope is malformed");
    }
}
