package dev.sluice.rabbitmq;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.impl.recovery.RecordedBinding;
import com.rabbitmq.client.impl.recovery.RecordedExchange;
import com.rabbitmq.client.impl.recovery.RecordedQueue;
import com.rabbitmq.client.impl.recovery.TopologyRecoveryFilter;
import dev.sluice.ConfigurationException;
import dev.sluice.SluiceException;
import java.io.IOException;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection per broker, vhost and login, shared by the drivers of one provider and closed when the last
 * releases it. Connections recover by themselves (the client's automatic recovery, every second): channels,
 * confirm mode, prefetch and consumers come back; deliveries of the lost channel do not (the broker requeued them).
 */
final class RabbitConnections {
    private static final Logger log = LoggerFactory.getLogger(RabbitConnections.class);
    static final long RECOVERY_INTERVAL_MS = 1000;

    private final Consumer<ConnectionFactory> customizer;
    private final Map<RabbitAddress.ConnectionKey, Shared> open = new HashMap<>();

    private static final class Shared {
        final Connection connection;
        int users;

        Shared(Connection connection) {
            this.connection = connection;
        }
    }

    RabbitConnections(Consumer<ConnectionFactory> customizer) {
        this.customizer = customizer;
    }

    /** The shared connection for {@code address}, opened on first use; fails with a sentence naming broker and user. */
    synchronized Connection acquire(RabbitAddress address) {
        RabbitAddress.ConnectionKey key = address.connectionKey();
        Shared shared = open.get(key);
        if (shared == null) {
            shared = new Shared(connect(address));
            open.put(key, shared);
        }
        shared.users++;
        return shared.connection;
    }

    synchronized void release(RabbitAddress address) {
        RabbitAddress.ConnectionKey key = address.connectionKey();
        Shared shared = open.get(key);
        if (shared == null || --shared.users > 0) return;
        open.remove(key);
        try {
            shared.connection.close(5_000);
        } catch (Exception e) {
            log.debug("closing the connection to {} failed: {}", key, e.toString());
        }
    }

    private Connection connect(RabbitAddress address) {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(address.host());
        factory.setPort(address.port());
        factory.setVirtualHost(address.vhost());
        factory.setUsername(address.user());
        factory.setPassword(address.password());
        factory.setRequestedHeartbeat(address.heartbeatSeconds());
        factory.setConnectionTimeout(address.connectionTimeoutSeconds() * 1000);
        factory.setHandshakeTimeout(address.connectionTimeoutSeconds() * 1000);
        factory.setAutomaticRecoveryEnabled(true);
        factory.setTopologyRecoveryEnabled(true);
        // Queues are durable and declared on short-lived channels: only consumers need recovering.
        factory.setTopologyRecoveryFilter(new TopologyRecoveryFilter() {
            @Override
            public boolean filterQueue(RecordedQueue queue) {
                return false;
            }

            @Override
            public boolean filterExchange(RecordedExchange exchange) {
                return false;
            }

            @Override
            public boolean filterBinding(RecordedBinding binding) {
                return false;
            }
        });
        factory.setNetworkRecoveryInterval(RECOVERY_INTERVAL_MS);
        if (address.tls()) {
            try {
                factory.useSslProtocol(SSLContext.getDefault());
            } catch (NoSuchAlgorithmException e) {
                throw new ConfigurationException("TLS is not available in this JVM for " + address.where(), e);
            }
            factory.enableHostnameVerification();
        }
        customizer.accept(factory);
        try {
            return factory.newConnection("sluice " + address.queue());
        } catch (IOException | TimeoutException | RuntimeException e) {
            SluiceException error = RabbitErrors.exception(e, "connect", address);
            throw new SluiceException(error.code(), RabbitErrors.code(e) == dev.sluice.ErrorCode.PERMISSION_DENIED
                    ? error.getMessage() : "connecting to " + address.where() + " failed: " + RabbitErrors.said(e)
                    + " (is RabbitMQ running? start it with 'rabbitmq-server -detached')", e);
        }
    }
}
