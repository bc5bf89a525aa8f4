package dev.sluice.runtime.brokers;

import dev.sluice.sqs.SqsDriverProvider;
import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * The shared fixture {@link ElasticMqServer} (package-private in core's test-jar) for the host contract: ElasticMQ
 * embedded on 127.0.0.1, an SQS driver provider with the credentials it accepts, and a plain SDK client.
 */
public final class ElasticMq implements AutoCloseable {
    private final ElasticMqServer server;
    private final SqsAsyncClient client;

    private ElasticMq(ElasticMqServer server) {
        this.server = server;
        this.client = server.client();
    }

    private static ElasticMq shared;

    /** One server for every test class of this JVM (started on first use, stopped when the JVM exits). */
    public static synchronized ElasticMq shared() {
        if (shared == null) {
            shared = new ElasticMq(ElasticMqServer.start());
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "elasticmq-stop"));
        }
        return shared;
    }

    public URI endpoint() {
        return server.endpoint();
    }

    /** {@code sqs://<name>?region=us-east-1&endpoint=<this server>}. */
    public String uri(String name) {
        return "sqs://" + name + "?region=us-east-1&endpoint=" + endpoint();
    }

    /** The SQS driver provider with static credentials ElasticMQ accepts. */
    public static SqsDriverProvider provider() {
        return new SqsDriverProvider(b -> b.credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"))));
    }

    /**
     * A plain SDK client, for what a test does outside Sluice (receiving as Lambda's poller does); one for the life
     * of the server (it also keeps the SDK's shared event loop alive, so the runtimes' own clients close at once).
     */
    public SqsAsyncClient client() {
        return client;
    }

    @Override
    public void close() {
        client.close();
        server.close();
    }
}
