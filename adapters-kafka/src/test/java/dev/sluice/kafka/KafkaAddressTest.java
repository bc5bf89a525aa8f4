package dev.sluice.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.ConfigurationException;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** URI parsing: every form, and every refusal naming what is wrong. */
class KafkaAddressTest {

    private static KafkaAddress parse(String uri) {
        return KafkaAddress.parse(URI.create(uri), name -> null);
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
        assertThatThrownBy(() -> parse("kafka://user:hunter2@k/q?security.protocol=SASL_SSL&sasl.mechanism=PLAIN"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("password in its user-info")
                .hasMessageContaining("KAFKA_PASSWORD").hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> parse("kafka://user:hunter2@k1,k2/q")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("password in its user-info").hasMessageNotContaining("hunter2");
    }

    private static KafkaAddress parse(String uri, java.util.Map<String, String> env) {
        return KafkaAddress.parse(URI.create(uri), env::get);
    }

    @Test
    void saslAndTlsSettingsReachTheClientsWithTheSecretsFromTheEnvironment() {
        KafkaAddress a = parse("kafka://alice@k1:9093,k2:9093/orders?security.protocol=SASL_SSL&sasl.mechanism=SCRAM-SHA-512"
                + "&ssl.truststore.location=/etc/kafka/ca.pem&ssl.truststore.type=PEM",
                java.util.Map.of("KAFKA_PASSWORD", "s3cr\"et", "KAFKA_SSL_TRUSTSTORE_PASSWORD", "tp"));
        java.util.Map<String, Object> c = a.connection().config();
        assertThat(c).containsEntry("bootstrap.servers", "k1:9093,k2:9093").containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512").containsEntry("ssl.truststore.location", "/etc/kafka/ca.pem")
                .containsEntry("ssl.truststore.type", "PEM").containsEntry("ssl.truststore.password", "tp")
                .containsEntry("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required"
                        + " username=\"alice\" password=\"s3cr\\\"et\";");
        assertThat(a.connection().toString()).isEqualTo("k1:9093,k2:9093 (SASL_SSL, SCRAM-SHA-512 as user 'alice')")
                .doesNotContain("s3cr");
        assertThat(a.describe()).doesNotContain("s3cr");
        // the dead-letter topic is on the same cluster, reached the same way; the password stays in the environment
        assertThat(a.defaultDeadLetterUri()).isEqualTo(URI.create("kafka://alice@k1:9093,k2:9093/orders-dlq?mode=consumer"
                + "&security.protocol=SASL_SSL&sasl.mechanism=SCRAM-SHA-512&ssl.truststore.location=%2Fetc%2Fkafka%2Fca.pem"
                + "&ssl.truststore.type=PEM"));
        assertThat(parse(a.defaultDeadLetterUri().toString(), java.util.Map.of("KAFKA_PASSWORD", "s3cr\"et",
                "KAFKA_SSL_TRUSTSTORE_PASSWORD", "tp")).connection()).isEqualTo(a.connection());
    }

    @Test
    void theUserAndThePasswordVariableCanComeFromTheEnvironmentAndTheUri() {
        KafkaAddress a = parse("kafka://k/q?security.protocol=SASL_PLAINTEXT&sasl.mechanism=plain&passwordEnv=ORDERS_KAFKA_SECRET",
                java.util.Map.of("KAFKA_USERNAME", "bob", "ORDERS_KAFKA_SECRET", "pw"));
        assertThat(a.connection().config()).containsEntry("sasl.mechanism", "PLAIN").containsEntry("sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"bob\" password=\"pw\";");
        assertThat(parse("kafka://k/q", java.util.Map.of("KAFKA_PASSWORD", "x")).connection().config())
                .containsOnlyKeys("bootstrap.servers", "security.protocol").containsEntry("security.protocol", "PLAINTEXT");
    }

    @Test
    void securitySettingsThatContradictOrLackASecretAreRefusedNamingTheSetting() {
        java.util.Map<String, String> env = java.util.Map.of("KAFKA_PASSWORD", "pw");
        assertThatThrownBy(() -> parse("kafka://alice@k/q?security.protocol=SASL_SSL", env)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("needs sasl.mechanism=PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512");
        assertThatThrownBy(() -> parse("kafka://alice@k/q?security.protocol=SASL_SSL&sasl.mechanism=GSSAPI", env))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("was 'GSSAPI'");
        assertThatThrownBy(() -> parse("kafka://k/q?security.protocol=TLS", env)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("security.protocol must be one of");
        assertThatThrownBy(() -> parse("kafka://k/q?sasl.mechanism=PLAIN", env)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("sasl.mechanism is for SASL, but security.protocol is PLAINTEXT");
        assertThatThrownBy(() -> parse("kafka://alice@k/q", env)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("a user is for SASL");
        assertThatThrownBy(() -> parse("kafka://k/q?security.protocol=SASL_PLAINTEXT&ssl.truststore.location=/ca.pem", env))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("ssl.truststore.location is a TLS setting");
        assertThatThrownBy(() -> parse("kafka://k/q?security.protocol=SASL_SSL&sasl.mechanism=PLAIN", env))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("needs a user").hasMessageContaining("KAFKA_USERNAME");
        assertThatThrownBy(() -> parse("kafka://alice@k/q?security.protocol=SASL_SSL&sasl.mechanism=PLAIN", java.util.Map.of()))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("user 'alice' needs a password")
                .hasMessageContaining("no KAFKA_PASSWORD");
        assertThatThrownBy(() -> parse("kafka://alice@k/q?security.protocol=SASL_SSL&sasl.mechanism=PLAIN&passwordEnv=A-B", env))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("passwordEnv 'A-B'");
    }
}
