package dev.sluice.samples;

import dev.sluice.rabbitmq.RabbitBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The samples on the real RabbitMQ at 127.0.0.1:5672 (guest/guest), in a virtual host of their own that is
 * deleted at the end (adapters-rabbitmq's test fixture {@link RabbitBroker}).
 */
class SamplesOnRabbitMqTest extends SamplesOnBrokerTest {
    private static RabbitBroker broker;

    @BeforeAll
    static void freshVhost() {
        broker = RabbitBroker.start("samples");
    }

    @AfterAll
    static void deleteVhost() {
        if (broker != null) broker.close();
    }

    @Override
    String uri(String name) {
        return broker.uri(name);
    }

    @Override
    String broker() {
        return "RabbitMQ";
    }
}
