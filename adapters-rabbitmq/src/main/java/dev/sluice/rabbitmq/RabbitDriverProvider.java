package dev.sluice.rabbitmq;

import com.rabbitmq.client.ConnectionFactory;
import dev.sluice.spi.DriverContext;
import dev.sluice.spi.DriverProvider;
import dev.sluice.spi.QueueDriver;
import java.net.URI;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Serves {@code amqp://} and {@code amqps://} URIs (see the module README for the forms). Drivers of one provider
 * share one connection per broker, vhost and login. To set anything else about the connection (a client
 * certificate, an {@code SSLContext}, a metrics collector) register a provider made with
 * {@link #RabbitDriverProvider(Consumer)}:
 *
 * <pre>{@code
 * Sluice.builder().driver(new RabbitDriverProvider(f -> f.useSslProtocol(mySslContext))).build()
 * }</pre>
 */
public final class RabbitDriverProvider implements DriverProvider {
    private final RabbitConnections connections;
    private final String scheme;

    /** The provider {@link java.util.ServiceLoader} creates: {@code amqp://}, the client's defaults. */
    public RabbitDriverProvider() {
        this("amqp", f -> { });
    }

    /**
     * A provider of {@code amqp://} whose connection factories {@code customizer} adjusts after Sluice has set host,
     * login, TLS and automatic recovery.
     */
    public RabbitDriverProvider(Consumer<ConnectionFactory> customizer) {
        this("amqp", customizer);
    }

    private RabbitDriverProvider(String scheme, Consumer<ConnectionFactory> customizer) {
        this.scheme = scheme;
        this.connections = new RabbitConnections(Objects.requireNonNull(customizer, "customizer"));
    }

    /** The provider of {@code amqps://} (TLS); listed for {@link java.util.ServiceLoader} too. */
    public static final class Tls implements DriverProvider {
        private final RabbitDriverProvider delegate;

        /** {@code amqps://} with the client's defaults. */
        public Tls() {
            this(f -> { });
        }

        /** {@code amqps://}, adjusted by {@code customizer}. */
        public Tls(Consumer<ConnectionFactory> customizer) {
            delegate = new RabbitDriverProvider("amqps", customizer);
        }

        @Override
        public String scheme() {
            return "amqps";
        }

        @Override
        public QueueDriver open(URI uri, DriverContext context) {
            return delegate.open(uri, context);
        }
    }

    @Override
    public String scheme() {
        return scheme;
    }

    @Override
    public QueueDriver open(URI uri, DriverContext context) {
        return new RabbitDriver(RabbitAddress.parse(uri, context), connections, context);
    }
}
