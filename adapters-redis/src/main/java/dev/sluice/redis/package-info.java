/**
 * The {@code redis://} driver (Redis Streams). Public API: {@link dev.sluice.redis.RedisDriverProvider} and
 * {@link dev.sluice.redis.RedisTlsDriverProvider}, found by {@link java.util.ServiceLoader}; users need neither by
 * name. Everything else is internal.
 */
package dev.sluice.redis;
