package dev.sluice.redis;

import dev.sluice.ErrorCode;
import dev.sluice.SluiceException;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * One Lettuce {@link RedisClient} and one shared connection per server (host, port, TLS, database, user), shared
 * by a provider's drivers and closed when the last of them closes. Lettuce connections are thread-safe and
 * pipeline what many threads send; only blocking reads need connections of their own ({@link RedisDriver} keeps
 * a few). All clients of a provider share one small set of event-loop threads.
 */
final class RedisClients {
    /** Keys are text (stream and key names); values, script arguments and replies are bytes. */
    static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    /** A client and its shared connection. */
    record Shared(RedisClient client, StatefulRedisConnection<String, byte[]> connection) {
    }

    private record Entry(Shared shared, int users) {
    }

    private final Map<RedisAddress.Server, Entry> clients = new HashMap<>();
    private ClientResources resources;

    /**
     * The client and connection for {@code address}'s server, connecting on first use; give it back with
     * {@link #release}. Refused credentials fail with a {@link dev.sluice.ConfigurationException} naming the user;
     * an unreachable server with {@link ErrorCode#UNAVAILABLE}.
     */
    synchronized Shared acquire(RedisAddress address) {
        RedisAddress.Server server = address.server();
        Entry e = clients.get(server);
        if (e == null) e = new Entry(connect(address), 0);
        clients.put(server, new Entry(e.shared(), e.users() + 1));
        return e.shared();
    }

    /** Gives a client back; the last user closes it. */
    synchronized void release(RedisAddress.Server server) {
        Entry e = clients.get(server);
        if (e == null) return;
        if (e.users() > 1) {
            clients.put(server, new Entry(e.shared(), e.users() - 1));
            return;
        }
        clients.remove(server);
        e.shared().connection().close();
        e.shared().client().shutdown(Duration.ZERO, Duration.ofSeconds(2));
        if (clients.isEmpty() && resources != null) {
            resources.shutdown(0, 2, java.util.concurrent.TimeUnit.SECONDS);
            resources = null;
        }
    }

    private Shared connect(RedisAddress address) {
        if (resources == null) {
            resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2).build();
        }
        RedisAddress.Server s = address.server();
        RedisURI.Builder uri = RedisURI.builder().withHost(s.host()).withPort(s.port()).withDatabase(s.database())
                .withSsl(s.tls()).withVerifyPeer(s.verifyPeer()).withTimeout(Duration.ofSeconds(30));
        if (s.password() != null) {
            if (s.user() != null) {
                uri.withAuthentication(s.user(), s.password().toCharArray());
            } else {
                uri.withPassword(s.password().toCharArray());
            }
        }
        RedisClient client = RedisClient.create(resources, uri.build());
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                // while reconnecting, calls fail at once (UNAVAILABLE) and the portable layer backs off
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(CONNECT_TIMEOUT).keepAlive(true).build())
                .build());
        try {
            return new Shared(client, client.connect(CODEC));
        } catch (RuntimeException e) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            if (clients.isEmpty()) {
                resources.shutdown(0, 2, java.util.concurrent.TimeUnit.SECONDS);
                resources = null;
            }
            if (RedisErrors.authentication(e)) throw RedisErrors.credentials(e, address);
            for (Throwable c = e; c != null; c = c.getCause()) {
                if (c instanceof javax.net.ssl.SSLHandshakeException) {
                    throw new dev.sluice.ConfigurationException("the TLS handshake with Redis at " + s.host() + ":" + s.port()
                            + " for queue '" + address.name() + "' failed (" + c.getMessage() + "): the JVM must trust the"
                            + " server's certificate (javax.net.ssl.trustStore), or, for a test server only, add"
                            + " verifyPeer=false to the URI", c);
                }
            }
            throw new SluiceException(RedisErrors.code(e) == ErrorCode.UNKNOWN ? ErrorCode.UNAVAILABLE : RedisErrors.code(e),
                    RedisErrors.describe(e, "connecting", address), e);
        }
    }
}
