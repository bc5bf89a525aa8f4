package dev.sluice.samples;

import dev.sluice.redis.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The samples on the real Redis at 127.0.0.1:6379, on streams whose names start with a prefix of their own, whose
 * keys are deleted at the end (adapters-redis's test fixture {@link RedisServer}).
 */
class SamplesOnRedisTest extends SamplesOnBrokerTest {
    private static final String PREFIX = RedisServer.freshPrefix("samples");

    @BeforeAll
    static void requireRedis() {
        RedisServer.require();
    }

    @AfterAll
    static void deleteKeys() {
        RedisServer.deleteKeys(PREFIX);
    }

    @Override
    String uri(String name) {
        return RedisServer.uri(PREFIX + name);
    }

    @Override
    String broker() {
        return "Redis Streams";
    }
}
