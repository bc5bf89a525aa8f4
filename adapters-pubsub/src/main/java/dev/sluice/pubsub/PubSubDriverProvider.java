package dev.sluice.pubsub;

import dev.sluice.spi.DriverContext;
import dev.sluice.spi.DriverProvider;
import dev.sluice.spi.QueueDriver;
import java.net.URI;

/**
 * Opens drivers for {@code pubsub://projects/P/topics/T?subscription=S}. An {@code endpoint=host:port}
 * parameter, else the {@code PUBSUB_EMULATOR_HOST} environment variable (read through the
 * {@link DriverContext}), points the driver at an emulator: plaintext, no credentials.
 */
public final class PubSubDriverProvider implements DriverProvider {
    /** The variable Google's emulator tooling sets; the Java client itself ignores it. */
    public static final String EMULATOR_HOST = "PUBSUB_EMULATOR_HOST";

    @Override
    public String scheme() {
        return "pubsub";
    }

    @Override
    public QueueDriver open(URI uri, DriverContext context) {
        PubSubAddress address = PubSubAddress.parse(uri);
        String emulator = address.endpoint() != null ? address.endpoint() : context.env(EMULATOR_HOST);
        return new PubSubDriver(address, new PubSubClients(address, emulator));
    }
}
