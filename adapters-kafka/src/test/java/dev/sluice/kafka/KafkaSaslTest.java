package dev.sluice.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.DeadLetter;
import dev.sluice.DeadLetterReason;
import dev.sluice.PermanentFailureException;
import dev.sluice.QueueSpec;
import dev.sluice.SluiceException;
import dev.sluice.core.Sluice;
import dev.sluice.testkit.Await;
import dev.sluice.worker.Worker;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SASL on the test broker's SASL_PLAINTEXT listener: a worker logs in (SCRAM-SHA-512, and PLAIN) with the user from the
 * URI and the password from the environment, in both modes, its dead letters going to a topic reached the same way; a
 * wrong password stops the start-up with an error naming the brokers, the user and the setting, never the password.
 * TLS is not tested against a broker (no TLS listener here): {@code KafkaAddressTest} checks that its settings reach the
 * clients.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class KafkaSaslTest {
    private static final String TYPE = "dev.sluice.sasl";
    private static KafkaBroker broker;
    private final String prefix = "s" + UUID.randomUUID().toString().substring(0, 8) + "-";

    @BeforeAll
    static void broker() {
        broker = KafkaBroker.shared();
    }

    private static String uri(String topic, String mechanism, String mode) {
        return "kafka://" + KafkaBroker.SASL_USER + "@" + broker.saslBootstrap() + "/" + topic
                + "?security.protocol=SASL_PLAINTEXT&sasl.mechanism=" + mechanism + "&mode=" + mode;
    }

    private static Sluice sluice(String password) {
        return Sluice.builder().environment(Map.of("KAFKA_PASSWORD", password)::get).build();
    }

    @Test
    void aWorkerLogsInWithScramInShareModeAndItsDeadLettersGoThroughTheSameLogin() throws Exception {
        handlesAndDeadLetters(uri(prefix + "scram", "SCRAM-SHA-512", "share"));
    }

    @Test
    void aWorkerLogsInWithPlainInConsumerMode() throws Exception {
        handlesAndDeadLetters(uri(prefix + "plain", "PLAIN", "consumer"));
    }

    private void handlesAndDeadLetters(String uri) throws Exception {
        QueueSpec spec = QueueSpec.builder(uri).build();
        try (Sluice sluice = sluice(KafkaBroker.SASL_PASSWORD)) {
            sluice.open(spec);
            CompletableFuture<String> handled = new CompletableFuture<>();
            try (Worker worker = sluice.worker(spec).on(TYPE, (e, d) -> {
                if ("bad".equals(e.getId())) throw new PermanentFailureException("refused");
                handled.complete(e.getId());
            }).start()) {
                for (String id : List.of("bad", "good")) {
                    sluice.publisher(uri).publish(CloudEventBuilder.v1().withId(id).withSource(URI.create("/t"))
                            .withType(TYPE).build()).get(30, TimeUnit.SECONDS);
                }
                assertThat(handled.get(30, TimeUnit.SECONDS)).isEqualTo("good");
                Await.until("the dead letter of 'bad'", () -> {
                    try {
                        return !sluice.deadLetters(spec).peek(5).isEmpty();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return false;
                    }
                });
            }
            assertThat(sluice.driver(URI.create(uri)).defaultDeadLetterUri().toString())
                    .contains(broker.saslBootstrap()).contains("security.protocol=SASL_PLAINTEXT");
            List<DeadLetter> dead = sluice.deadLetters(spec).peek(5);
            assertThat(dead).hasSize(1);
            assertThat(dead.get(0).reason().orElseThrow().cause()).isEqualTo(DeadLetterReason.Cause.PERMANENT_FAILURE);
        }
    }

    @Test
    void aWrongPasswordStopsTheStartUpNamingTheBrokersTheUserAndTheSetting() {
        String uri = uri(prefix + "denied", "SCRAM-SHA-512", "consumer");
        try (Sluice sluice = sluice("not-the-password")) {
            assertThatThrownBy(() -> sluice.open(QueueSpec.builder(uri).build()))
                    .isInstanceOf(SluiceException.class)
                    .hasMessageContaining(broker.saslBootstrap())
                    .hasMessageContaining("user '" + KafkaBroker.SASL_USER + "'")
                    .hasMessageContaining("sasl.mechanism=SCRAM-SHA-512")
                    .hasMessageContaining("KAFKA_PASSWORD")
                    .hasMessageNotContaining("not-the-password");
        }
    }
}
