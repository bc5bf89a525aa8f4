package dev.sluice.testkit.pubsub;

import com.google.api.gax.core.CredentialsProvider;
import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.GrpcTransportChannel;
import com.google.api.gax.rpc.FixedTransportChannelProvider;
import com.google.api.gax.rpc.TransportChannelProvider;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * An in-process Pub/Sub server for tests: the {@code google.pubsub.v1} Publisher and Subscriber gRPC
 * services on 127.0.0.1, plaintext, on a free port. State lives in memory and ends with {@link #close()}.
 *
 * <pre>{@code
 * try (PubSubTestServer server = PubSubTestServer.start()) {
 *     TopicAdminClient topics = TopicAdminClient.create(TopicAdminSettings.newBuilder()
 *             .setTransportChannelProvider(server.channelProvider())
 *             .setCredentialsProvider(server.credentialsProvider())
 *             .build());
 *     ...
 * }
 * }</pre>
 *
 * See the module README for what it implements and what it does not.
 */
public final class PubSubTestServer implements AutoCloseable {

    private final Server server;
    private final SystemTimeSource ownedTime;
    private final ManagedChannel channel;

    private PubSubTestServer(Server server, SystemTimeSource ownedTime) {
        this.server = server;
        this.ownedTime = ownedTime;
        this.channel = ManagedChannelBuilder.forTarget(endpoint()).usePlaintext().build();
    }

    /** Starts a server on the system clock, on a free port. */
    public static PubSubTestServer start() {
        return start(0);
    }

    /** Starts a server whose deadlines, backoff and publish times follow {@code time}, e.g. a {@link ManualTimeSource}. */
    public static PubSubTestServer start(TimeSource time) {
        return new PubSubTestServer(listen(time, 0), null);
    }

    /** Starts a server on the system clock at {@code 127.0.0.1:port} (0: a free port), e.g. 8085 for local development. */
    public static PubSubTestServer start(int port) {
        SystemTimeSource time = new SystemTimeSource();
        try {
            return new PubSubTestServer(listen(time, port), time);
        } catch (RuntimeException e) {
            time.close();
            throw e;
        }
    }

    /** Pub/Sub takes publish requests of up to 10 MB; gRPC's default inbound limit is 4 MiB. */
    static final int MAX_REQUEST_BYTES = 20 * 1024 * 1024;

    private static Server listen(TimeSource time, int port) {
        Registry registry = new Registry(time);
        try {
            return NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
                    .maxInboundMessageSize(MAX_REQUEST_BYTES)
                    .addService(new PublisherService(registry))
                    .addService(new SubscriberService(registry))
                    .build()
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the Pub/Sub test server", e);
        }
    }

    /** {@code 127.0.0.1:PORT}, as a gRPC target or a {@code PUBSUB_EMULATOR_HOST} value. */
    public String endpoint() {
        return "127.0.0.1:" + port();
    }

    public int port() {
        return server.getPort();
    }

    /**
     * A channel provider for Google client settings, over one plaintext channel to this server that the
     * server owns: clients built with it do not close it, {@link #close()} does.
     */
    public TransportChannelProvider channelProvider() {
        return FixedTransportChannelProvider.create(GrpcTransportChannel.create(channel));
    }

    /** No credentials, as the server checks none. */
    public CredentialsProvider credentialsProvider() {
        return NoCredentialsProvider.create();
    }

    /** Stops the server, its channel and (when it owns one) its timer thread; open streams are cancelled. */
    @Override
    public void close() {
        channel.shutdownNow();
        server.shutdownNow();
        try {
            server.awaitTermination(5, TimeUnit.SECONDS);
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (ownedTime != null) {
                ownedTime.close();
            }
        }
    }
}
