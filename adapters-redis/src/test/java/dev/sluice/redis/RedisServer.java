package dev.sluice.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.UUID;

/**
 * The real Redis the tests run against: 127.0.0.1:6379, started with the machine and by {@code .ci/run}. A test
 * whose Redis is missing fails, saying how to start it; it is never skipped. Public, in this module's test-jar, for
 * the samples' tests.
 */
public final class RedisServer {
    static final String HOST = "127.0.0.1";
    static final int PORT = 6379;
    static final String START = "redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save \"\""
            + " --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log";

    private RedisServer() {
    }

    /** Fails unless Redis answers PING at 127.0.0.1:6379. */
    public static void require() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(HOST, PORT), 2000);
            s.setSoTimeout(2000);
            s.getOutputStream().write("PING\r\n".getBytes());
            byte[] buf = new byte[64];
            int n = s.getInputStream().read(buf);
            String answer = n <= 0 ? "" : new String(buf, 0, n);
            if (!answer.startsWith("+PONG") && !answer.startsWith("-NOAUTH")) {
                throw new IOException("answered '" + answer.trim() + "'");
            }
        } catch (IOException e) {
            throw new AssertionError("Redis is not answering at " + HOST + ":" + PORT + " (" + e.getMessage()
                    + "); these tests need a real Redis 7. Start it with: " + START, e);
        }
    }

    /** A prefix no other test run uses, for queue names. */
    public static String freshPrefix(String what) {
        return "t" + UUID.randomUUID().toString().substring(0, 8) + "-" + what + "-";
    }

    /** {@code redis://127.0.0.1:6379/<name>}. */
    public static String uri(String name) {
        return "redis://" + HOST + ":" + PORT + "/" + name;
    }

    /** Deletes every key that starts with {@code prefix}. */
    public static void deleteKeys(String prefix) {
        RedisClient client = RedisClient.create("redis://" + HOST + ":" + PORT);
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            List<String> keys = c.sync().keys(prefix + "*");
            if (!keys.isEmpty()) c.sync().unlink(keys.toArray(String[]::new));
        } finally {
            client.shutdown();
        }
    }
}
