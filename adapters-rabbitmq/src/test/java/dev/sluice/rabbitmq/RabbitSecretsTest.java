package dev.sluice.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.PermanentFailureException;
import dev.sluice.QueueSpec;
import dev.sluice.core.Sluice;
import dev.sluice.testkit.Await;
import dev.sluice.worker.Worker;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A password never shows: not in what the driver logs, not in its exceptions, not in {@code QueueDriver.uri()}.
 * A user of its own, with a password unlike anything else, given through {@code RABBITMQ_PASSWORD} (the way the
 * README recommends): a whole run (handling, a dead letter, the broker closing the connection, recovery, a wrong
 * password) logs it nowhere. With the password in the URI, the driver's own output and errors still hide it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RabbitSecretsTest {

    @Test
    void thePasswordAppearsInNoLogLineNoExceptionAndNoUri() throws Exception {
        String user = "sluice-secret-" + UUID.randomUUID().toString().substring(0, 6);
        String password = "Pw-" + UUID.randomUUID().toString().replace("-", "");
        String wrong = "Wrong-" + UUID.randomUUID().toString().replace("-", "");
        PrintStream originalErr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (RabbitBroker broker = RabbitBroker.start("secrets")) {
            RabbitBroker.rabbitmqctl("add_user", user, password);
            try {
                RabbitBroker.rabbitmqctl("set_permissions", "-p", broker.vhost, user, ".*", ".*", ".*");
                System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
                String uri = "amqp://" + user + "@127.0.0.1:5672/" + broker.vhost + "/secrets";
                Map<String, String> env = Map.of("RABBITMQ_PASSWORD", password);
                try (Sluice sluice = Sluice.builder().environment(env::get).build()) {
                    QueueSpec spec = QueueSpec.builder(uri).lease(Duration.ofSeconds(10)).build();
                    AtomicInteger handled = new AtomicInteger();
                    try (Worker worker = sluice.worker(spec).on("secret.test", (e, d) -> {
                        if (e.getId().equals("doomed")) throw new PermanentFailureException("dead on purpose");
                        handled.incrementAndGet();
                    }).start()) {
                        var publisher = sluice.publisher(spec.uri());
                        publisher.publish(CloudEventBuilder.v1().withId("fine").withSource(URI.create("/s")).withType("secret.test").build()).get(10, TimeUnit.SECONDS);
                        publisher.publish(CloudEventBuilder.v1().withId("doomed").withSource(URI.create("/s")).withType("secret.test").build()).get(10, TimeUnit.SECONDS);
                        Await.until("handled", () -> handled.get() == 1);
                        Await.until("dead-lettered", () -> {
                            try {
                                return sluice.deadLetters(spec).peek(10).size() == 1;
                            } catch (InterruptedException ex) {
                                throw new AssertionError(ex);
                            }
                        });
                        broker.closeAllConnections();
                        publisher.publish(CloudEventBuilder.v1().withId("after").withSource(URI.create("/s")).withType("secret.test").build()).get(20, TimeUnit.SECONDS);
                        Await.until("handled after recovery", () -> handled.get() == 2);
                    }
                    assertThat(sluice.driver(URI.create(uri)).uri().toString()).doesNotContain(password);
                }
                // the password written in the URI, and wrong: the driver's error and logs still hide it
                String inUri = "amqp://" + user + ":" + wrong + "@127.0.0.1:5672/" + broker.vhost + "/secrets";
                try (Sluice sluice = Sluice.create()) {
                    assertThatThrownBy(() -> sluice.open(QueueSpec.of(inUri)))
                            .hasMessageContaining("user '" + user + "'")
                            .satisfies(e -> {
                                for (Throwable t = e; t != null; t = t.getCause()) assertThat(t.toString()).doesNotContain(wrong);
                            });
                    assertThat(sluice.driver(URI.create(inUri)).uri().toString()).doesNotContain(wrong);
                }
            } finally {
                System.setErr(originalErr);
                RabbitBroker.rabbitmqctl("delete_user", user);
            }
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        originalErr.println("SECRETS captured " + log.lines().count() + " log lines");
        assertThat(log).as("something was logged (the connection closed by the broker)").contains("CONNECTION_FORCED");
        assertThat(log).doesNotContain(password).doesNotContain(wrong);
    }
}
