package dev.sluice.redis;

import dev.sluice.spi.DriverContext;
import dev.sluice.spi.DriverProvider;
import dev.sluice.spi.QueueDriver;
import java.net.URI;

/**
 * Serves {@code redis://} URIs (see the module README for the form); {@link RedisTlsDriverProvider} serves
 * {@code rediss://}. Drivers of one provider share one Lettuce client and connection per server.
 */
public class RedisDriverProvider implements DriverProvider {
    private final String scheme;
    private final RedisClients clients = new RedisClients();

    /** The provider {@link java.util.ServiceLoader} creates for {@code redis://}. */
    public RedisDriverProvider() {
        this("redis");
    }

    RedisDriverProvider(String scheme) {
        this.scheme = scheme;
    }

    @Override
    public String scheme() {
        return scheme;
    }

    @Override
    public QueueDriver open(URI uri, DriverContext context) {
        return new RedisDriver(RedisAddress.parse(uri, context), clients, context);
    }
}
