package dev.sluice.pubsub;

import com.google.cloud.pubsub.v1.SubscriptionAdminClient;
import com.google.cloud.pubsub.v1.SubscriptionAdminSettings;
import com.google.cloud.pubsub.v1.TopicAdminClient;
import com.google.cloud.pubsub.v1.TopicAdminSettings;
import dev.sluice.Scheduler;
import dev.sluice.core.Sluice;
import dev.sluice.spi.DriverContext;
import dev.sluice.spi.QueueDriver;
import dev.sluice.testkit.pubsub.PubSubTestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** One wall-clock test server per test class, plain Google admin clients on it, and fresh names. */
final class TestServerFixture implements AutoCloseable {
    static final String PROJECT = "sluice-test";
    private static final AtomicInteger NAMES = new AtomicInteger();

    final PubSubTestServer server = PubSubTestServer.start();
    final Scheduler scheduler = Scheduler.system();
    final TopicAdminClient topics;
    final SubscriptionAdminClient subscriptions;

    TestServerFixture() {
        try {
            topics = TopicAdminClient.create(TopicAdminSettings.newBuilder()
                    .setTransportChannelProvider(server.channelProvider())
                    .setCredentialsProvider(server.credentialsProvider()).build());
            subscriptions = SubscriptionAdminClient.create(SubscriptionAdminSettings.newBuilder()
                    .setTransportChannelProvider(server.channelProvider())
                    .setCredentialsProvider(server.credentialsProvider()).build());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fresh topic id. */
    static String name(String base) {
        return base + "-" + NAMES.incrementAndGet();
    }

    static URI uri(String topic) {
        return URI.create("pubsub://projects/" + PROJECT + "/topics/" + topic + "?subscription=" + topic + "-sub");
    }

    static String topicName(String topic) {
        return "projects/" + PROJECT + "/topics/" + topic;
    }

    static String subscriptionName(String subscription) {
        return "projects/" + PROJECT + "/subscriptions/" + subscription;
    }

    Map<String, String> env() {
        return Map.of(PubSubDriverProvider.EMULATOR_HOST, server.endpoint());
    }

    /** A driver that finds the server through {@code PUBSUB_EMULATOR_HOST}. */
    QueueDriver driver(URI uri) {
        return new PubSubDriverProvider().open(uri, new DriverContext(scheduler, env()::get));
    }

    Sluice sluice() {
        return Sluice.builder().environment(env()::get).build();
    }

    @Override
    public void close() {
        topics.close();
        subscriptions.close();
        server.close();
        scheduler.close();
    }
}
