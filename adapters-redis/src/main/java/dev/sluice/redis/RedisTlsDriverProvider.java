package dev.sluice.redis;

/** Serves {@code rediss://} URIs: Redis over TLS, otherwise as {@link RedisDriverProvider}. */
public final class RedisTlsDriverProvider extends RedisDriverProvider {

    /** The provider {@link java.util.ServiceLoader} creates for {@code rediss://}. */
    public RedisTlsDriverProvider() {
        super("rediss");
    }
}
