package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DeadLetterFilterTest {
    private static final Instant FAILED = Instant.parse("2026-11-28T10:00:07Z");
    private static final DeadLetterReason REASON = new DeadLetterReason(DeadLetterReason.Cause.PERMANENT_FAILURE,
            "dev.sluice.PermanentFailureException", "SMTP down", 1, "mem://emails", null, FAILED, null);
    private static final DeadLetter LETTER = new DeadLetter("m-1", CloudEventBuilder.v1().withId("e-1")
            .withSource(URI.create("/s")).withType("email.send").build(), Optional.of(REASON), Map.of(), new byte[0], null);
    private static final DeadLetter MOVED_BY_BROKER = new DeadLetter("m-2", null, Optional.empty(), Map.of(),
            new byte[] {1}, "not a CloudEvent");

    @Test
    void allTakesEveryDeadLetter() {
        assertThat(DeadLetterFilter.all().isAll()).isTrue();
        assertThat(DeadLetterFilter.all()).accepts(LETTER, MOVED_BY_BROKER);
        assertThat(DeadLetterFilter.all().withType(" ").isAll()).as("a blank condition is none").isTrue();
    }

    @Test
    void everyConditionGivenMustHold() {
        DeadLetterFilter f = DeadLetterFilter.all().withType("email.send").withReasonContaining("smtp")
                .withSince(FAILED).withMessageIds(Set.of("m-1"));
        assertThat(f.isAll()).isFalse();
        assertThat(f).accepts(LETTER);
        assertThat(f.withType("email.other")).rejects(LETTER);
        assertThat(f.withReasonContaining("timeout")).rejects(LETTER);
        assertThat(f.withSince(FAILED.plusMillis(1))).rejects(LETTER);
        assertThat(f.withMessageIds(Set.of("m-9"))).rejects(LETTER);
    }

    @Test
    void theReasonMatchesIgnoringCaseOnItsSummary() {
        assertThat(DeadLetterFilter.all().withReasonContaining("permanent_failure")).accepts(LETTER);
        assertThat(DeadLetterFilter.all().withReasonContaining("PermanentFailureException")).accepts(LETTER);
    }

    @Test
    void aDeadLetterWithoutReasonOrEventMatchesNoConditionOnThem() {
        assertThat(DeadLetterFilter.all().withType("email.send")).rejects(MOVED_BY_BROKER);
        assertThat(DeadLetterFilter.all().withReasonContaining("x")).rejects(MOVED_BY_BROKER);
        assertThat(DeadLetterFilter.all().withSince(Instant.EPOCH)).rejects(MOVED_BY_BROKER);
        assertThat(DeadLetterFilter.all().withMessageIds(Set.of("m-2"))).accepts(MOVED_BY_BROKER);
    }
}
