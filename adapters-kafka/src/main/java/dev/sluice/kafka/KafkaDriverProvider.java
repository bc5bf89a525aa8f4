package dev.sluice.kafka;

import dev.sluice.spi.DriverContext;
import dev.sluice.spi.DriverProvider;
import dev.sluice.spi.QueueDriver;
import java.net.URI;

/**
 * Serves {@code kafka://} URIs (see the module README for the form). Drivers of one provider share one producer and
 * one Admin client per cluster.
 */
public class KafkaDriverProvider implements DriverProvider {
    private final KafkaClients clients = new KafkaClients();

    @Override
    public String scheme() {
        return "kafka";
    }

    @Override
    public QueueDriver open(URI uri, DriverContext context) {
        return new KafkaDriver(KafkaAddress.parse(uri, context::env), clients, context::env);
    }
}
