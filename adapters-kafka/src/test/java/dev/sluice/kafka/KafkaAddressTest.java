package dev.sluice.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.ConfigurationException;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** URI parsing: every form, and every refusal naming what is wrong. */
class KafkaAddressTest {

    private static KafkaAddress parse(String uri) {
        return KafkaAddress.parse(URI.create(uri));
    }

    @Test
    void serverTopicAndDefaults() {
        KafkaAddress a = parse("kafka://127.0.0.1:9093/orders");
        assertThat(a.bootstrap()).isEqualTo("127.0.0.1:9093");
        assertThat(a.topic()).isEqualTo("orders");
        assertThat(a.group()).isEqualTo("sluice-orders");
        assertThat(a.mode()).isEqualTo(KafkaAddress.Mode.AUTO);
        assertThat(a.partitions()).isEqualTo(1);
        assertThat(a.replication()).isEqualTo((short) -1);
        assertThat(parse("kafka://broker/orders").bootstrap()).isEqualTo("broker:9092");
    }

    @Test
    void severalServersAndEveryParameter() {
        KafkaAddress a = parse("kafka://k1:9092,k2,k3:9094/orders.eu?group=billing&mode=consumer&partitions=12&replication=3");
        assertThat(a.bootstrap()).isEqualTo("k1:9092,k2:9092,k3:9094");
        assertThat(a.topic()).isEqualTo("orders.eu");
        assertThat(a.group()).isEqualTo("billing");
        assertThat(a.mode()).isEqualTo(KafkaAddress.Mode.CONSUMER);
        assertThat(a.partitions()).isEqualTo(12);
        assertThat(a.replication()).isEqualTo((short) 3);
        assertThat(parse("kafka://k/q?mode=SHARE").mode()).isEqualTo(KafkaAddress.Mode.SHARE);
    }

    @Test
    void theDeadLetterTopicIsReadInConsumerGroupMode() {
        assertThat(parse("kafka://k1:9092,k2:9092/orders?mode=share&group=g").defaultDeadLetterUri())
                .isEqualTo(URI.create("kafka://k1:9092,k2:9092/orders-dlq?mode=consumer"));
    }

    @Test
    void refusalsNameWhatIsWrong() {
        assertThatThrownBy(() -> parse("amqp://k/q")).isInstanceOf(ConfigurationException.class).hasMessageContaining("not a kafka://");
        assertThatThrownBy(() -> parse("kafka:///q")).isInstanceOf(ConfigurationException.class).hasMessageContaining("names no server");
        assertThatThrownBy(() -> parse("kafka://k")).isInstanceOf(ConfigurationException.class).hasMessageContaining("names no topic");
        assertThatThrownBy(() -> parse("kafka://k/a/b")).isInstanceOf(ConfigurationException.class).hasMessageContaining("'a/b' is not a topic");
        assertThatThrownBy(() -> parse("kafka://k/q?mode=fast")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("mode must be auto, share or consumer");
        assertThatThrownBy(() -> parse("kafka://k/q?partitions=0")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("partitions must be a number from 1");
        assertThatThrownBy(() -> parse("kafka://k/q?group=a%20b")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("group 'a b'");
        assertThatThrownBy(() -> parse("kafka://k/q?topic=x")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("unknown parameter 'topic'");
        assertThatThrownBy(() -> parse("kafka://user:secret@k/q")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("no credentials").hasMessageNotContaining("secret");
    }
}
