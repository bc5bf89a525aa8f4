package dev.sluice.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The test broker's own pieces that need no broker. */
class KafkaBrokerTest {

    /** One run in 64 failed to format the storage when the id began with '-' (read as an option by the tool). */
    @Test
    void clusterIdsAreKafkasShapeAndNeverLookLikeAnOption() {
        for (int i = 0; i < 5_000; i++) {
            String id = KafkaBroker.randomClusterId();
            assertThat(id).hasSize(22).matches("[A-Za-z0-9_][A-Za-z0-9_-]{21}");
        }
    }
}
