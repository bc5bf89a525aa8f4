package dev.sluice.testkit.pubsub;

import com.google.api.gax.batching.FlowControlSettings;
import com.google.cloud.pubsub.v1.MessageReceiver;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.cloud.pubsub.v1.Subscriber;
import com.google.cloud.pubsub.v1.SubscriptionAdminClient;
import com.google.cloud.pubsub.v1.SubscriptionAdminSettings;
import com.google.cloud.pubsub.v1.TopicAdminClient;
import com.google.cloud.pubsub.v1.TopicAdminSettings;
import com.google.cloud.pubsub.v1.stub.GrpcSubscriberStub;
import com.google.cloud.pubsub.v1.stub.SubscriberStubSettings;
import com.google.protobuf.ByteString;
import com.google.pubsub.v1.AcknowledgeRequest;
import com.google.pubsub.v1.ModifyAckDeadlineRequest;
import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.PullRequest;
import com.google.pubsub.v1.ReceivedMessage;
import com.google.pubsub.v1.Subscription;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * A server plus the real Google clients pointed at it, and short helpers for the tests. Everything it
 * made is closed by {@link #close()}, newest first.
 */
final class PubSubClients implements AutoCloseable {

    static final String PROJECT = "projects/sluice-test";
    private static final AtomicInteger NAMES = new AtomicInteger();

    final PubSubTestServer server;
    final TopicAdminClient topics;
    final SubscriptionAdminClient subscriptions;
    final GrpcSubscriberStub stub;
    private final Deque<AutoCloseable> toClose = new ArrayDeque<>();

    private PubSubClients(PubSubTestServer server) throws IOException {
        this.server = server;
        toClose.push(server);
        topics = TopicAdminClient.create(TopicAdminSettings.newBuilder()
                .setTransportChannelProvider(server.channelProvider())
                .setCredentialsProvider(server.credentialsProvider())
                .build());
        toClose.push(topics);
        subscriptions = SubscriptionAdminClient.create(SubscriptionAdminSettings.newBuilder()
                .setTransportChannelProvider(server.channelProvider())
                .setCredentialsProvider(server.credentialsProvider())
                .build());
        toClose.push(subscriptions);
        stub = GrpcSubscriberStub.create(SubscriberStubSettings.newBuilder()
                .setTransportChannelProvider(server.channelProvider())
                .setCredentialsProvider(server.credentialsProvider())
                .build());
        toClose.push(stub);
    }

    /** On the system clock. */
    static PubSubClients start() throws IOException {
        return new PubSubClients(PubSubTestServer.start());
    }

    static PubSubClients start(TimeSource time) throws IOException {
        return new PubSubClients(PubSubTestServer.start(time));
    }

    static String topicName(String id) {
        return PROJECT + "/topics/" + id;
    }

    static String subscriptionName(String id) {
        return PROJECT + "/subscriptions/" + id;
    }

    /** Creates a topic with a fresh name. */
    String newTopic() {
        return topics.createTopic(topicName("topic-" + NAMES.incrementAndGet())).getName();
    }

    /** Creates a subscription with a fresh name on {@code topic}, after {@code settings} have had their say. */
    String newSubscription(String topic, UnaryOperator<Subscription.Builder> settings) {
        Subscription.Builder builder = Subscription.newBuilder()
                .setName(subscriptionName("sub-" + NAMES.incrementAndGet()))
                .setTopic(topic);
        return subscriptions.createSubscription(settings.apply(builder).build()).getName();
    }

    String newSubscription(String topic) {
        return newSubscription(topic, builder -> builder);
    }

    /** A Publisher with message ordering on (so ordering keys are allowed), closed with these clients. */
    Publisher publisher(String topic) {
        try {
            Publisher publisher = Publisher.newBuilder(topic)
                    .setChannelProvider(server.channelProvider())
                    .setCredentialsProvider(server.credentialsProvider())
                    .setEnableMessageOrdering(true)
                    .build();
            toClose.push(() -> {
                publisher.shutdown();
                publisher.awaitTermination(10, TimeUnit.SECONDS);
            });
            return publisher;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Publishes and waits for the message id. */
    static String publish(Publisher publisher, PubsubMessage message) {
        try {
            return publisher.publish(message).get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("publish failed", e.getCause());
        } catch (Exception e) {
            throw new AssertionError("publish failed", e);
        }
    }

    static PubsubMessage message(String data) {
        return PubsubMessage.newBuilder().setData(ByteString.copyFromUtf8(data)).build();
    }

    static PubsubMessage message(String data, String orderingKey) {
        return message(data).toBuilder().setOrderingKey(orderingKey).build();
    }

    /** Starts a streaming Subscriber, stopped with these clients. */
    Subscriber subscriber(String subscription, MessageReceiver receiver, FlowControlSettings flowControl) {
        Subscriber subscriber = Subscriber.newBuilder(subscription, receiver)
                .setChannelProvider(server.channelProvider())
                .setCredentialsProvider(server.credentialsProvider())
                .setFlowControlSettings(flowControl)
                .setParallelPullCount(1)
                .build();
        subscriber.startAsync().awaitRunning();
        toClose.push(() -> subscriber.stopAsync().awaitTerminated(10, TimeUnit.SECONDS));
        return subscriber;
    }

    Subscriber subscriber(String subscription, MessageReceiver receiver) {
        return subscriber(subscription, receiver, FlowControlSettings.newBuilder()
                .setMaxOutstandingElementCount(1000L).build());
    }

    /** One unary Pull that answers at once with what is available ({@code return_immediately}). */
    @SuppressWarnings("deprecation")
    List<ReceivedMessage> pull(String subscription, int maxMessages) {
        return stub.pullCallable().call(PullRequest.newBuilder().setReturnImmediately(true)
                .setSubscription(subscription).setMaxMessages(maxMessages).build())
                .getReceivedMessagesList();
    }

    /** One unary Pull that waits up to {@code timeout} for messages (long polling). */
    List<ReceivedMessage> pullWaiting(String subscription, int maxMessages, java.time.Duration timeout) {
        return stub.pullCallable().call(PullRequest.newBuilder()
                .setSubscription(subscription).setMaxMessages(maxMessages).build(),
                com.google.api.gax.grpc.GrpcCallContext.createDefault().withTimeoutDuration(timeout))
                .getReceivedMessagesList();
    }

    void ack(String subscription, ReceivedMessage... messages) {
        AcknowledgeRequest.Builder request = AcknowledgeRequest.newBuilder().setSubscription(subscription);
        for (ReceivedMessage message : messages) {
            request.addAckIds(message.getAckId());
        }
        stub.acknowledgeCallable().call(request.build());
    }

    /** ModifyAckDeadline; 0 is a nack. */
    void modifyAckDeadline(String subscription, int seconds, ReceivedMessage... messages) {
        ModifyAckDeadlineRequest.Builder request = ModifyAckDeadlineRequest.newBuilder()
                .setSubscription(subscription).setAckDeadlineSeconds(seconds);
        for (ReceivedMessage message : messages) {
            request.addAckIds(message.getAckId());
        }
        stub.modifyAckDeadlineCallable().call(request.build());
    }

    static List<String> data(List<ReceivedMessage> messages) {
        return messages.stream().map(received -> received.getMessage().getData().toStringUtf8()).toList();
    }

    /** Closes everything, newest first, even when something fails to close; then reports the first failure. */
    @Override
    public void close() {
        IllegalStateException failure = null;
        while (!toClose.isEmpty()) {
            try {
                toClose.pop().close();
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                if (failure == null) {
                    failure = new IllegalStateException("Could not close the test clients", e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
