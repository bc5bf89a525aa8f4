package dev.sluice.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.QueueDepth;
import dev.sluice.core.Sluice;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** A Kafka reading names where the group's lag is read, for the mode, group and topic (no broker call). */
class KafkaDepthTest {

    @Test
    void theReadingNamesTheToolForTheGroupAndTopic() {
        try (Sluice sluice = Sluice.builder().build()) {
            QueueDepth consumer = sluice.driver(URI.create("kafka://127.0.0.1:1/orders?group=billing&mode=consumer")).depth();
            assertThat(consumer.total()).isEmpty();
            assertThat(consumer.note()).contains("kafka-consumer-groups.sh --describe --group billing")
                    .contains("topic orders");
        }
    }
}
