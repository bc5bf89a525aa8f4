package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.spi.WireSizes;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DeadLetterReasonTest {
    private static final Instant T1 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant T2 = Instant.parse("2026-01-01T00:00:07Z");

    @Test
    void roundTripsThroughItsAttribute() {
        DeadLetterReason r = new DeadLetterReason(DeadLetterReason.Cause.MAX_ATTEMPTS, "java.io.IOException", "smtp down",
                4, "sqs://emails", T1, T2, "customer-7");
        assertThat(DeadLetterReason.fromAttribute(r.toAttribute(1024))).contains(r);
    }

    @Test
    void aLongMessageIsShortenedToFitTheBrokersValueLimit() {
        DeadLetterReason r = new DeadLetterReason(DeadLetterReason.Cause.PERMANENT_FAILURE, "x.Y", "é".repeat(5000),
                1, "mem://q", T1, T2, null);
        String attribute = r.toAttribute(1024);
        assertThat(WireSizes.utf8(attribute)).isLessThanOrEqualTo(1024);
        DeadLetterReason back = DeadLetterReason.fromAttribute(attribute).orElseThrow();
        assertThat(back.message()).endsWith("...").startsWith("ééé");
        assertThat(back.cause()).isEqualTo(DeadLetterReason.Cause.PERMANENT_FAILURE);
    }

    @Test
    void somethingElseIsNoReason() {
        assertThat(DeadLetterReason.fromAttribute("not json")).isEmpty();
        assertThat(DeadLetterReason.fromAttribute(null)).isEmpty();
    }
}
