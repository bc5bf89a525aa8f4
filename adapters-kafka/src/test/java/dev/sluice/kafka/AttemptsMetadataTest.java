package dev.sluice.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The attempts kept in a commit's metadata: round trip, the size bound, and metadata that is not Sluice's. */
class AttemptsMetadataTest {

    @Test
    void attemptsRoundTripRelativeToTheCommittedOffset() {
        String m = AttemptsMetadata.write(1000, Map.of(1000L, 2, 1007L, 1, 999L, 4));
        assertThat(m).isEqualTo("sluice-attempts:1 0:2,7:1");
        assertThat(AttemptsMetadata.read(1000, m)).containsExactly(Map.entry(1000L, 2), Map.entry(1007L, 1));
        assertThat(AttemptsMetadata.write(5, Map.of())).isEmpty();
    }

    @Test
    void theMetadataStaysUnderKafkasLimitKeepingTheLowestOffsets() {
        Map<Long, Integer> many = new TreeMap<>();
        for (long o = 0; o < 2000; o++) many.put(o, 3);
        String m = AttemptsMetadata.write(0, many);
        assertThat(m.length()).isLessThanOrEqualTo(AttemptsMetadata.MAX_CHARS);
        Map<Long, Integer> back = AttemptsMetadata.read(0, m);
        assertThat(back).containsEntry(0L, 3).hasSizeLessThan(2000).hasSizeGreaterThan(300);
        assertThat(back.keySet()).allMatch(o -> o < back.size());
    }

    @Test
    void metadataThatIsNotSluicesReadsAsNoAttempts() {
        assertThat(AttemptsMetadata.read(0, "")).isEmpty();
        assertThat(AttemptsMetadata.read(0, null)).isEmpty();
        assertThat(AttemptsMetadata.read(0, "checkpoint from another tool")).isEmpty();
        assertThat(AttemptsMetadata.read(0, "sluice-attempts:1 x:y")).isEmpty();
    }
}
