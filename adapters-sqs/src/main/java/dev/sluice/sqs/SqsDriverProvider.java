package dev.sluice.sqs;

import dev.sluice.spi.DriverContext;
import dev.sluice.spi.DriverProvider;
import dev.sluice.spi.QueueDriver;
import java.net.URI;
import java.util.Objects;
import java.util.function.Consumer;
import software.amazon.awssdk.services.sqs.SqsAsyncClientBuilder;

/**
 * Serves {@code sqs://} URIs (see the module README for the forms). Drivers of one provider share one
 * {@code SqsAsyncClient} per region and endpoint. Credentials come from the SDK's default chain; to set
 * them (or anything else about the client) register a provider made with
 * {@link #SqsDriverProvider(Consumer)}:
 *
 * <pre>{@code
 * Sluice.builder().driver(new SqsDriverProvider(b -> b.credentialsProvider(myCredentials))).build()
 * }</pre>
 */
public final class SqsDriverProvider implements DriverProvider {
    private final SqsClients clients;

    /** The provider {@link java.util.ServiceLoader} creates: SDK defaults for everything. */
    public SqsDriverProvider() {
        this(b -> { });
    }

    /**
     * A provider whose clients {@code customizer} adjusts after Sluice has set region, endpoint and "no SDK
     * retries". Re-enabling SDK retries stacks them under the portable layer's; don't.
     */
    public SqsDriverProvider(Consumer<SqsAsyncClientBuilder> customizer) {
        this.clients = new SqsClients(Objects.requireNonNull(customizer, "customizer"));
    }

    @Override
    public String scheme() {
        return "sqs";
    }

    @Override
    public QueueDriver open(URI uri, DriverContext context) {
        SqsAddress address = SqsAddress.parse(uri, context);
        return new SqsDriver(address, clients, context);
    }
}
