package dev.sluice.sqs;

import dev.sluice.testkit.LoopbackPorts;
import dev.sluice.core.Sluice;
import java.net.URI;
import java.util.Map;
import java.util.function.Consumer;
import org.elasticmq.NodeAddress;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClientBuilder;

/**
 * An ElasticMQ server embedded on 127.0.0.1 on a free port, and what a test needs to talk to it: static test
 * credentials, a plain SDK client, and a {@link Sluice} whose environment points {@code AWS_ENDPOINT_URL_SQS}
 * at it (the process environment is not touched).
 */
final class ElasticMq implements AutoCloseable {
    static final Consumer<SqsAsyncClientBuilder> TEST_CREDENTIALS = b -> b.credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")));

    private final SQSRestServer server;
    private final URI endpoint;

    private ElasticMq(SQSRestServer server, URI endpoint) {
        this.server = server;
        this.endpoint = endpoint;
    }

    static ElasticMq start() {
        int port = LoopbackPorts.free();
        SQSRestServer server = SQSRestServerBuilder.withInterface("127.0.0.1").withPort(port)
                .withServerAddress(new NodeAddress("http", "127.0.0.1", port, "")).start();
        server.waitUntilStarted();
        return new ElasticMq(server, URI.create("http://127.0.0.1:" + port));
    }

    URI endpoint() {
        return endpoint;
    }

    /** Environment for a Sluice: the endpoint and a region, nothing from the process. */
    Map<String, String> environment() {
        return Map.of("AWS_ENDPOINT_URL_SQS", endpoint.toString(), "AWS_REGION", "us-east-1");
    }

    /** A Sluice that reaches this server through the SQS driver. */
    Sluice sluice() {
        return sluice(Sluice.builder());
    }

    Sluice sluice(Sluice.Builder builder) {
        Map<String, String> env = environment();
        return builder.environment(env::get).driver(new SqsDriverProvider(TEST_CREDENTIALS)).build();
    }

    /** A plain SDK client, for interop tests and inspection. */
    SqsAsyncClient client() {
        SqsAsyncClientBuilder b = SqsAsyncClient.builder().region(Region.US_EAST_1).endpointOverride(endpoint);
        TEST_CREDENTIALS.accept(b);
        return b.build();
    }

    /**
     * Stops the server without waiting: ElasticMQ lets pending long polls (up to 20 s) finish before it stops,
     * also those whose client has gone.
     */
    @Override
    public void close() {
        server.stopAndGetFuture().apply();
    }

}
