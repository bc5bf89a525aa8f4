package dev.sluice.redis;

import dev.sluice.QueueSpec;
import dev.sluice.core.Sluice;
import dev.sluice.testkit.ConformanceHarness;
import dev.sluice.testkit.ConformanceSuite;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The whole conformance suite on the real Redis at 127.0.0.1:6379: both halves, real time, a 2 s lease. Ordering
 * is refused by the driver, so the ordering cases are skipped naming that capability.
 */
class RedisConformanceTest extends ConformanceSuite {

    @Override
    protected ConformanceHarness createHarness() {
        RedisServer.require();
        return new Harness(Sluice.create(), RedisServer.freshPrefix("conformance"));
    }

    private record Harness(Sluice sluice, String prefix) implements ConformanceHarness {
        @Override
        public QueueSpec.Builder newQueue(String name, boolean ordered) {
            return QueueSpec.builder(RedisServer.uri(prefix + name));
        }

        @Override
        public void advance(Duration duration) throws InterruptedException {
            TimeUnit.NANOSECONDS.sleep(duration.toNanos());
        }

        @Override
        public boolean virtualTime() {
            return false;
        }

        /** An ack whose delivery count is no longer the PEL's is refused as NOT_FOUND. */
        @Override
        public StaleAck staleAck() {
            return StaleAck.REPORTED;
        }

        /** As the README's table. */
        @Override
        public Set<Class<?>> unwrapTypes() {
            return Set.of(RedisClient.class, StatefulRedisConnection.class, String.class);
        }

        @Override
        public void close() {
            try {
                sluice.close();
            } finally {
                RedisServer.deleteKeys(prefix);
            }
        }
    }
}
