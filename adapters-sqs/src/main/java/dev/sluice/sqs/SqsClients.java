package dev.sluice.sqs;

import dev.sluice.ConfigurationException;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClientBuilder;

/**
 * One {@link SqsAsyncClient} per region and endpoint, shared by the drivers of a provider and closed when the
 * last of them closes. Clients do not retry: the portable layer decides about retries (QueueDriver's contract).
 */
final class SqsClients {

    /** What separates clients. */
    record Key(String region, URI endpoint) {
    }

    private record Entry(SqsAsyncClient client, int users) {
    }

    private final Consumer<SqsAsyncClientBuilder> customizer;
    private final Map<Key, Entry> clients = new HashMap<>();

    SqsClients(Consumer<SqsAsyncClientBuilder> customizer) {
        this.customizer = customizer;
    }

    /** The client for {@code key}, created on first use; give it back with {@link #release(Key)}. */
    synchronized SqsAsyncClient acquire(Key key, SqsAddress address) {
        Entry e = clients.get(key);
        if (e == null) {
            e = new Entry(create(key, address), 0);
        }
        clients.put(key, new Entry(e.client(), e.users() + 1));
        return e.client();
    }

    /** Gives a client back; the last user closes it. */
    synchronized void release(Key key) {
        Entry e = clients.get(key);
        if (e == null) return;
        if (e.users() <= 1) {
            clients.remove(key);
            e.client().close();
        } else {
            clients.put(key, new Entry(e.client(), e.users() - 1));
        }
    }

    /**
     * A local server (ElasticMQ, LocalStack) accepts any credentials and region: for an endpoint on this machine
     * the default chain is asked first, and dummy credentials (and us-east-1) stand in when it has none.
     */
    private static final AwsCredentialsProvider LOCAL_CREDENTIALS = AwsCredentialsProviderChain.builder()
            .reuseLastProviderEnabled(true)
            .credentialsProviders(DefaultCredentialsProvider.builder().build(),
                    StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
            .build();

    static boolean isLocal(URI endpoint) {
        if (endpoint == null || endpoint.getHost() == null) return false;
        String host = endpoint.getHost();
        return host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]") || host.equals("::1");
    }

    private SqsAsyncClient create(Key key, SqsAddress address) {
        SqsAsyncClientBuilder b = SqsAsyncClient.builder()
                .httpClientBuilder(NettyNioAsyncHttpClient.builder())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()));
        if (key.region() != null) b.region(Region.of(key.region()));
        if (key.endpoint() != null) b.endpointOverride(key.endpoint());
        boolean local = isLocal(key.endpoint());
        if (local) b.credentialsProvider(LOCAL_CREDENTIALS);
        customizer.accept(b);
        try {
            return b.build();
        } catch (SdkClientException e) {
            if (local && key.region() == null) return b.region(Region.US_EAST_1).build();
            throw new ConfigurationException("cannot make an SQS client for " + address.uri() + ": " + e.getMessage()
                    + " (set region= in the URI or AWS_REGION)", e);
        }
    }
}
