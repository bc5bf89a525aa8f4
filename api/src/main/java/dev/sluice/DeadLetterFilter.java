package dev.sluice;

import java.time.Instant;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Which dead letters an operation (browse, count, redrive, purge) applies to: every condition given must hold;
 * an absent condition (null, or no ids) holds for every dead letter. Start from {@link #all()} and narrow:
 * <pre>DeadLetterFilter.all().withType("com.example.order.created").withReasonContaining("smtp")</pre>
 *
 * @param type           the event's {@code type} equals this (an undecodable dead letter has none, so never matches)
 * @param reasonContains the reason's {@link DeadLetterReason#summary() summary} (cause, attempts, exception and its
 *                       message) contains this, ignoring case; a dead letter without a reason (one the broker moved)
 *                       never matches
 * @param since          dead-lettered at or after this instant: the reason's {@link DeadLetterReason#lastFailure()
 *                       lastFailure}, the failure that dead-lettered it; a dead letter without a reason never matches
 * @param messageIds     the dead letter's {@link DeadLetter#messageId() message id} (the DLQ's id, as a browse shows
 *                       it) is one of these; empty: any
 */
public record DeadLetterFilter(String type, String reasonContains, Instant since, Set<String> messageIds)
        implements Predicate<DeadLetter> {

    private static final DeadLetterFilter ALL = new DeadLetterFilter(null, null, null, Set.of());

    public DeadLetterFilter {
        type = blankToNull(type);
        reasonContains = blankToNull(reasonContains);
        messageIds = messageIds == null ? Set.of() : Set.copyOf(messageIds);
    }

    /** Every dead letter. */
    public static DeadLetterFilter all() {
        return ALL;
    }

    /** This filter, also requiring the event type {@code type} (null: any type). */
    public DeadLetterFilter withType(String type) {
        return new DeadLetterFilter(type, reasonContains, since, messageIds);
    }

    /** This filter, also requiring a reason containing {@code text}, ignoring case (null: any reason). */
    public DeadLetterFilter withReasonContaining(String text) {
        return new DeadLetterFilter(type, text, since, messageIds);
    }

    /** This filter, also requiring a dead letter from {@code since} on (null: any time). */
    public DeadLetterFilter withSince(Instant since) {
        return new DeadLetterFilter(type, reasonContains, since, messageIds);
    }

    /** This filter, also requiring one of these message ids (empty: any). */
    public DeadLetterFilter withMessageIds(Set<String> ids) {
        return new DeadLetterFilter(type, reasonContains, since, ids);
    }

    /** Whether this filter takes every dead letter. */
    public boolean isAll() {
        return type == null && reasonContains == null && since == null && messageIds.isEmpty();
    }

    @Override
    public boolean test(DeadLetter d) {
        if (!messageIds.isEmpty() && !messageIds.contains(d.messageId())) return false;
        if (type != null && (d.event() == null || !type.equals(d.event().getType()))) return false;
        if (reasonContains != null && !d.reason().map(r -> r.summary().toLowerCase(Locale.ROOT)
                .contains(reasonContains.toLowerCase(Locale.ROOT))).orElse(false)) {
            return false;
        }
        return since == null || d.reason().map(r -> !r.lastFailure().isBefore(since)).orElse(false);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
