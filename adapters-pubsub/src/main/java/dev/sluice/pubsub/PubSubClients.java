package dev.sluice.pubsub;

import com.google.api.gax.batching.BatchingSettings;
import com.google.api.gax.core.CredentialsProvider;
import com.google.api.gax.core.InstantiatingExecutorProvider;
import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.GrpcTransportChannel;
import com.google.api.gax.retrying.RetrySettings;
import com.google.api.gax.rpc.FixedTransportChannelProvider;
import com.google.api.gax.rpc.TransportChannelProvider;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.cloud.pubsub.v1.SubscriptionAdminClient;
import com.google.cloud.pubsub.v1.SubscriptionAdminSettings;
import com.google.cloud.pubsub.v1.TopicAdminClient;
import com.google.cloud.pubsub.v1.TopicAdminSettings;
import com.google.cloud.pubsub.v1.stub.GrpcSubscriberStub;
import com.google.cloud.pubsub.v1.stub.SubscriberStubSettings;
import dev.sluice.ErrorCode;
import dev.sluice.SluiceException;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Google clients one driver uses, built on first use and closed together. Two ways to connect:
 * <ul>
 *   <li>an emulator or test server ({@code endpoint=} in the URI, else {@code PUBSUB_EMULATOR_HOST}): one
 *       plaintext channel the driver owns, shared by every client, with {@link NoCredentialsProvider}.
 *       The Java client does not read {@code PUBSUB_EMULATOR_HOST} by itself;</li>
 *   <li>otherwise the clients' defaults: {@code pubsub.googleapis.com} over TLS with Application Default
 *       Credentials.</li>
 * </ul>
 * Client-side retries are switched off for publish, pull, ack and modify-ack-deadline: the driver
 * classifies, the engine decides (retries stacked under a policy are a classic bug). The one exception is
 * the publisher for ordering keys, which the Google client makes retry transient failures itself.
 */
final class PubSubClients implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PubSubClients.class);
    /** As Google's subscriber: a pull response may carry several 10 MB messages' worth. */
    private static final int MAX_INBOUND_BYTES = 20 * 1024 * 1024;
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);

    private final PubSubAddress address;
    private final String emulator;
    private final ManagedChannel channel;
    private Publisher publisher;
    private Publisher orderedPublisher;
    private GrpcSubscriberStub subscriber;
    private TopicAdminClient topics;
    private SubscriptionAdminClient subscriptions;
    private boolean closed;

    /**
     * @param emulatorHost {@code host:port} to reach in plaintext without credentials, or null for Google
     */
    PubSubClients(PubSubAddress address, String emulatorHost) {
        this.address = address;
        this.emulator = emulatorHost == null || emulatorHost.isBlank() ? null : emulatorHost.trim();
        this.channel = emulator == null ? null : ManagedChannelBuilder.forTarget(emulator).usePlaintext()
                .maxInboundMessageSize(MAX_INBOUND_BYTES).build();
    }

    /** The emulator endpoint in use, or null when talking to Google. */
    String emulatorHost() {
        return emulator;
    }

    /**
     * The publisher for messages without ({@code ordered == false}) or with an ordering key. Two, because the
     * Google client, once message ordering is on, retries transient failures of every publish until they
     * succeed (it overrides the retry settings, to keep order); without ordering it honours one attempt.
     */
    synchronized Publisher publisher(boolean ordered) {
        check();
        Publisher p = ordered ? orderedPublisher : publisher;
        if (p == null) {
            Publisher.Builder b = Publisher.newBuilder(address.topicName())
                    .setEnableMessageOrdering(ordered)
                    .setBatchingSettings(BatchingSettings.newBuilder()
                            .setElementCountThreshold((long) PubSubDriver.BATCH)
                            .setRequestByteThreshold(1_000_000L)
                            // send() flushes its messages itself; a short timer would race that flush
                            .setDelayThresholdDuration(Duration.ofSeconds(1))
                            .build())
                    .setRetrySettings(RetrySettings.newBuilder()
                            .setMaxAttempts(1)
                            .setTotalTimeoutDuration(CALL_TIMEOUT)
                            .setInitialRpcTimeoutDuration(CALL_TIMEOUT)
                            .setMaxRpcTimeoutDuration(CALL_TIMEOUT)
                            .setRpcTimeoutMultiplier(1.0)
                            // Used only by the ordered publisher, which retries regardless: never a hot loop.
                            .setInitialRetryDelayDuration(Duration.ofMillis(100))
                            .setRetryDelayMultiplier(2.0)
                            .setMaxRetryDelayDuration(Duration.ofSeconds(10))
                            .build())
                    .setExecutorProvider(InstantiatingExecutorProvider.newBuilder().setExecutorThreadCount(2).build());
            if (channel != null) {
                b.setChannelProvider(channelProvider()).setCredentialsProvider(credentials());
            }
            p = build(ordered ? "ordered Publisher" : "Publisher", () -> b.build());
            if (ordered) orderedPublisher = p; else publisher = p;
        }
        return p;
    }

    synchronized GrpcSubscriberStub subscriber() {
        check();
        if (subscriber == null) {
            SubscriberStubSettings.Builder b = SubscriberStubSettings.newBuilder();
            if (channel != null) {
                b.setTransportChannelProvider(channelProvider()).setCredentialsProvider(credentials());
            } else {
                b.setTransportChannelProvider(SubscriberStubSettings.defaultGrpcTransportProviderBuilder()
                        .setMaxInboundMessageSize(MAX_INBOUND_BYTES).build());
            }
            b.pullSettings().setSimpleTimeoutNoRetriesDuration(CALL_TIMEOUT);
            b.acknowledgeSettings().setSimpleTimeoutNoRetriesDuration(CALL_TIMEOUT);
            b.modifyAckDeadlineSettings().setSimpleTimeoutNoRetriesDuration(CALL_TIMEOUT);
            subscriber = build("subscriber stub", () -> GrpcSubscriberStub.create(b.build()));
        }
        return subscriber;
    }

    synchronized TopicAdminClient topicAdmin() {
        check();
        if (topics == null) {
            TopicAdminSettings.Builder b = TopicAdminSettings.newBuilder();
            if (channel != null) b.setTransportChannelProvider(channelProvider()).setCredentialsProvider(credentials());
            topics = build("TopicAdminClient", () -> TopicAdminClient.create(b.build()));
        }
        return topics;
    }

    synchronized SubscriptionAdminClient subscriptionAdmin() {
        check();
        if (subscriptions == null) {
            SubscriptionAdminSettings.Builder b = SubscriptionAdminSettings.newBuilder();
            if (channel != null) b.setTransportChannelProvider(channelProvider()).setCredentialsProvider(credentials());
            subscriptions = build("SubscriptionAdminClient", () -> SubscriptionAdminClient.create(b.build()));
        }
        return subscriptions;
    }

    /** Flushes and stops the publisher, then closes the other clients and the channel. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        for (Publisher p : new Publisher[] {publisher, orderedPublisher}) {
            if (p == null) continue;
            p.shutdown();
            try {
                if (!p.awaitTermination(30, TimeUnit.SECONDS)) {
                    log.warn("Pub/Sub publisher for {} did not finish within 30s", address.topicName());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (subscriber != null) subscriber.close();
        if (topics != null) topics.close();
        if (subscriptions != null) subscriptions.close();
        if (channel != null) {
            channel.shutdownNow();
            try {
                channel.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private TransportChannelProvider channelProvider() {
        // Fixed: the clients do not close the channel; close() does, after them.
        return FixedTransportChannelProvider.create(GrpcTransportChannel.create(channel));
    }

    private static CredentialsProvider credentials() {
        return NoCredentialsProvider.create();
    }

    private void check() {
        if (closed) throw new SluiceException(ErrorCode.UNAVAILABLE, "the Pub/Sub driver for " + address.uri() + " is closed");
    }

    private interface Factory<T> {
        T create() throws IOException;
    }

    private <T> T build(String what, Factory<T> factory) {
        try {
            return factory.create();
        } catch (IOException | RuntimeException e) {
            throw new SluiceException(ErrorCode.UNAVAILABLE, "could not create the Pub/Sub " + what + " for "
                    + address.uri() + ": " + e.getMessage(), e);
        }
    }
}
