package dev.sluice.inmemory;

import dev.sluice.ConfigurationException;
import dev.sluice.spi.Capabilities;
import dev.sluice.spi.DriverContext;
import dev.sluice.spi.DriverProvider;
import dev.sluice.spi.QueueDriver;
import java.net.URI;
import java.time.Duration;

/**
 * Serves {@code mem://name}. Each provider instance (one per {@link dev.sluice.core.Sluice}) owns one
 * {@link MemoryBroker}, created with the Sluice's scheduler on first use. Limits default to the strictest
 * of the real brokers, so what passes here passes on SQS and Pub/Sub; pass other {@link Capabilities} to
 * change them.
 */
public final class MemoryDriverProvider implements DriverProvider {

    /** The default limits: SQS's size and attribute count, Pub/Sub's key and value lengths and nack range. */
    public static final Capabilities STRICTEST = Capabilities.builder("in-memory")
            .maxBatchSize(10)
            .maxMessageBytes(1024 * 1024)
            .maxAttributes(10)
            .maxAttributeKeyBytes(256)
            .maxAttributeValueBytes(1024)
            .ordering(true)
            .maxOrderingKeyLength(128)
            .deduplication(true)
            .maxDelay(Duration.ofSeconds(900))
            .maxNackDelay(Duration.ofSeconds(600))
            .maxLease(Duration.ofSeconds(600))
            .attempts(Capabilities.AttemptCounting.EXACT)
            .deliveryAttempts(1, 1000)
            .build();

    private final Capabilities capabilities;
    private MemoryBroker broker;

    /** The provider {@link java.util.ServiceLoader} creates, with {@link #STRICTEST} limits. */
    public MemoryDriverProvider() {
        this(STRICTEST);
    }

    /** A provider with other limits. */
    public MemoryDriverProvider(Capabilities capabilities) {
        this.capabilities = capabilities;
    }

    @Override
    public String scheme() {
        return "mem";
    }

    @Override
    public synchronized QueueDriver open(URI uri, DriverContext context) {
        queueName(uri);
        if (broker == null) broker = new MemoryBroker(context.scheduler());
        return new MemoryDriver(uri, broker, capabilities);
    }

    static String queueName(URI uri) {
        String name = uri.getAuthority();
        if (name == null || name.isEmpty()) {
            throw new ConfigurationException("queue uri '" + uri + "' names no queue; write mem://<queue-name>");
        }
        return name;
    }
}
