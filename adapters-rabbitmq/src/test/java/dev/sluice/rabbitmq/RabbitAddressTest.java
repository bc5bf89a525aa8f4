package dev.sluice.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.ConfigurationException;
import dev.sluice.Scheduler;
import dev.sluice.spi.DriverContext;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RabbitAddressTest {
    private static final DriverContext NO_ENV = new DriverContext(Scheduler.system(), name -> null);

    private static RabbitAddress parse(String uri) {
        return RabbitAddress.parse(URI.create(uri), NO_ENV);
    }

    @Test
    void aQueueInTheDefaultVhostWithTheGuestLogin() {
        RabbitAddress a = parse("amqp://127.0.0.1/orders");
        assertThat(a.host()).isEqualTo("127.0.0.1");
        assertThat(a.port()).isEqualTo(5672);
        assertThat(a.vhost()).isEqualTo("/");
        assertThat(a.queue()).isEqualTo("orders");
        assertThat(a.user()).isEqualTo("guest");
        assertThat(a.password()).isEqualTo("guest");
        assertThat(a.tls()).isFalse();
        assertThat(a.heartbeatSeconds()).isEqualTo(30);
    }

    @Test
    void userPasswordPortVhostAndParameters() {
        RabbitAddress a = parse("amqp://app:p%40ss@mq.example.com:5673/sales/orders?heartbeat=10&connectionTimeout=3");
        assertThat(a.user()).isEqualTo("app");
        assertThat(a.password()).isEqualTo("p@ss");
        assertThat(a.port()).isEqualTo(5673);
        assertThat(a.vhost()).isEqualTo("sales");
        assertThat(a.queue()).isEqualTo("orders");
        assertThat(a.heartbeatSeconds()).isEqualTo(10);
        assertThat(a.connectionTimeoutSeconds()).isEqualTo(3);
    }

    @Test
    void theDefaultVhostWrittenOutAndTls() {
        RabbitAddress a = parse("amqps://mq.example.com/%2F/orders");
        assertThat(a.vhost()).isEqualTo("/");
        assertThat(a.tls()).isTrue();
        assertThat(a.port()).isEqualTo(5671);
    }

    @Test
    void credentialsFromTheEnvironment() {
        Map<String, String> env = Map.of("RABBITMQ_USERNAME", "worker", "RABBITMQ_PASSWORD", "from-env");
        RabbitAddress a = RabbitAddress.parse(URI.create("amqp://127.0.0.1/orders"), new DriverContext(Scheduler.system(), env::get));
        assertThat(a.user()).isEqualTo("worker");
        assertThat(a.password()).isEqualTo("from-env");
        RabbitAddress b = RabbitAddress.parse(URI.create("amqp://other@127.0.0.1/orders"), new DriverContext(Scheduler.system(), env::get));
        assertThat(b.user()).isEqualTo("other");
        assertThat(b.password()).isEqualTo("from-env");
        assertThatThrownBy(() -> parse("amqp://other@127.0.0.1/orders"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("RABBITMQ_PASSWORD").hasMessageContaining("'other'");
    }

    @Test
    void thePasswordIsInNoUriMessageOrStringTheDriverShows() {
        RabbitAddress a = parse("amqp://app:TopSecret1@127.0.0.1:5672/sales/orders");
        assertThat(a.uri().toString()).doesNotContain("TopSecret1").isEqualTo("amqp://app:***@127.0.0.1:5672/sales/orders");
        assertThat(a.toString()).doesNotContain("TopSecret1");
        assertThat(a.describe()).doesNotContain("TopSecret1").contains("'app'");
        assertThat(a.where()).doesNotContain("TopSecret1");
        assertThat(a.connectionKey().toString()).doesNotContain("TopSecret1");
        assertThatThrownBy(() -> parse("amqp://app:TopSecret1@127.0.0.1/sales/orders?prefetch=5"))
                .hasMessageNotContaining("TopSecret1");
    }

    @Test
    void theDefaultDeadLetterQueueIsTheQueueWithDlqInTheSameVhostWithTheSameLogin() {
        assertThat(parse("amqp://app:pw@127.0.0.1:5672/sales/orders?heartbeat=5").defaultDeadLetterUri())
                .isEqualTo(URI.create("amqp://app:pw@127.0.0.1:5672/sales/orders-dlq?heartbeat=5"));
        assertThat(parse("amqp://127.0.0.1/orders").defaultDeadLetterUri()).isEqualTo(URI.create("amqp://127.0.0.1/orders-dlq"));
    }

    @Test
    void unknownParametersAreRefusedByName() {
        assertThatThrownBy(() -> parse("amqp://127.0.0.1/orders?prefetch=5"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("unknown parameter 'prefetch'")
                .hasMessageContaining("heartbeat");
        assertThatThrownBy(() -> parse("amqp://127.0.0.1/orders?heartbeat=soon"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("heartbeat must be whole seconds");
        assertThatThrownBy(() -> parse("amqp://127.0.0.1/orders?heartbeat=1&heartbeat=2"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("given twice");
    }

    @Test
    void malformedUrisFailNamingWhatIsWrong() {
        assertThatThrownBy(() -> parse("amqp://127.0.0.1")).isInstanceOf(ConfigurationException.class).hasMessageContaining("names no queue");
        assertThatThrownBy(() -> parse("amqp://127.0.0.1/a/b/c")).isInstanceOf(ConfigurationException.class).hasMessageContaining("%2F");
        assertThatThrownBy(() -> parse("amqp://127.0.0.1//orders")).isInstanceOf(ConfigurationException.class).hasMessageContaining("virtual host segment is empty");
        assertThatThrownBy(() -> parse("amqp://127.0.0.1/amq.orders")).isInstanceOf(ConfigurationException.class).hasMessageContaining("'amq.'");
        assertThatThrownBy(() -> parse("amqp:///orders")).isInstanceOf(ConfigurationException.class).hasMessageContaining("no broker host");
        assertThatThrownBy(() -> parse("sqs://orders")).isInstanceOf(ConfigurationException.class).hasMessageContaining("not an amqp://");
    }

    @Test
    void theRetryLadderRoundsUpAndNeverDown() {
        assertThat(RetryLadder.stepFor(java.time.Duration.ofMillis(1))).isEqualTo(100);
        assertThat(RetryLadder.stepFor(java.time.Duration.ofMillis(100))).isEqualTo(100);
        assertThat(RetryLadder.stepFor(java.time.Duration.ofMillis(101))).isEqualTo(250);
        assertThat(RetryLadder.stepFor(java.time.Duration.ofSeconds(2))).isEqualTo(2_000);
        assertThat(RetryLadder.stepFor(java.time.Duration.ofSeconds(3))).isEqualTo(5_000);
        assertThat(RetryLadder.stepFor(java.time.Duration.ofHours(12))).isEqualTo(43_200_000);
        assertThat(RetryLadder.queueName("orders", 5_000)).isEqualTo("orders.retry.5000");
    }
}
