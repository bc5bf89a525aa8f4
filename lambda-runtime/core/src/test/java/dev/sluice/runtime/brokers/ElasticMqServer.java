package dev.sluice.runtime.brokers;

import dev.sluice.core.Sluice;
import dev.sluice.sqs.SqsDriverProvider;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import org.elasticmq.NodeAddress;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/** ElasticMQ embedded on 127.0.0.1 on a free port. */
final class ElasticMqServer implements AutoCloseable {
    private final SQSRestServer server;
    private final URI endpoint;

    private ElasticMqServer(SQSRestServer server, URI endpoint) {
        this.server = server;
        this.endpoint = endpoint;
    }

    static ElasticMqServer start() {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        SQSRestServer server = SQSRestServerBuilder.withInterface("127.0.0.1").withPort(port)
                .withServerAddress(new NodeAddress("http", "127.0.0.1", port, "")).start();
        server.waitUntilStarted();
        return new ElasticMqServer(server, URI.create("http://127.0.0.1:" + port));
    }

    URI endpoint() {
        return endpoint;
    }

    /** A Sluice with the SQS driver and the static credentials ElasticMQ accepts. */
    static Sluice.Builder sqsSluice() {
        return Sluice.builder().driver(new SqsDriverProvider(b -> b.credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))));
    }

    /** A plain SDK client, for what the test does outside Sluice (receiving as Lambda's poller does). */
    SqsAsyncClient client() {
        return SqsAsyncClient.builder().region(Region.US_EAST_1).endpointOverride(endpoint)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"))).build();
    }

    @Override
    public void close() {
        server.stopAndGetFuture();
    }
}
