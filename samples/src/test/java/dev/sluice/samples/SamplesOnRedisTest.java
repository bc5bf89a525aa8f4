package dev.sluice.samples;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The samples on the real Redis at 127.0.0.1:6379, on streams whose names start with a prefix of their own, whose
 * keys are deleted at the end. The check and the clean-up are the minimum of adapters-redis's package-private test
 * {@code RedisServer}, copied (that module publishes no test jar).
 */
class SamplesOnRedisTest extends SamplesOnBrokerTest {
    private static final String HOST = "127.0.0.1";
    private static final int PORT = 6379;
    private static final String START = "redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save \"\""
            + " --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log";
    private static final String PREFIX = "t" + UUID.randomUUID().toString().substring(0, 8) + "-samples-";

    @BeforeAll
    static void requireRedis() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(HOST, PORT), 2000);
            s.setSoTimeout(2000);
            s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] buf = new byte[64];
            int n = s.getInputStream().read(buf);
            String answer = n <= 0 ? "" : new String(buf, 0, n, StandardCharsets.US_ASCII);
            if (!answer.startsWith("+PONG")) throw new IOException("answered '" + answer.trim() + "'");
        } catch (IOException e) {
            throw new AssertionError("Redis is not answering at " + HOST + ":" + PORT + " (" + e.getMessage()
                    + "); these tests need a real Redis 7. Start it with: " + START, e);
        }
    }

    @AfterAll
    static void deleteKeys() {
        RedisClient client = RedisClient.create("redis://" + HOST + ":" + PORT);
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            List<String> keys = c.sync().keys(PREFIX + "*");
            if (!keys.isEmpty()) c.sync().unlink(keys.toArray(String[]::new));
        } finally {
            client.shutdown();
        }
    }

    @Override
    String uri(String name) {
        return "redis://" + HOST + ":" + PORT + "/" + PREFIX + name;
    }

    @Override
    String broker() {
        return "Redis Streams";
    }
}
