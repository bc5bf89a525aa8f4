package dev.sluice.pubsub;

import com.google.api.core.ApiFuture;
import com.google.api.core.ApiFutureCallback;
import com.google.api.core.ApiFutures;
import com.google.api.gax.grpc.GrpcCallContext;
import com.google.api.gax.rpc.StatusCode;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.cloud.pubsub.v1.PublisherInterface;
import com.google.cloud.pubsub.v1.SubscriptionAdminClient;
import com.google.cloud.pubsub.v1.TopicAdminClient;
import com.google.cloud.pubsub.v1.stub.GrpcSubscriberStub;
import com.google.cloud.pubsub.v1.stub.SubscriberStub;
import com.google.common.util.concurrent.MoreExecutors;
import com.google.common.util.concurrent.Uninterruptibles;
import com.google.protobuf.ByteString;
import com.google.pubsub.v1.AcknowledgeRequest;
import com.google.pubsub.v1.ModifyAckDeadlineRequest;
import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.PullRequest;
import com.google.pubsub.v1.PullResponse;
import com.google.pubsub.v1.ReceivedMessage;
import dev.sluice.ErrorCode;
import dev.sluice.QueueDepth;
import dev.sluice.QueueSpec;
import dev.sluice.spi.AckFailure;
import dev.sluice.spi.Capabilities;
import dev.sluice.spi.DriverError;
import dev.sluice.spi.InboundMessage;
import dev.sluice.spi.OutboundMessage;
import dev.sluice.spi.QueueDriver;
import dev.sluice.spi.SendResult;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver for {@code pubsub://projects/P/topics/T?subscription=S}: a translation onto the Google
 * client. Sends through the client's {@link Publisher} (batching, ordering keys); receives by unary pull
 * through {@link GrpcSubscriberStub}, because per-message control (nack with a delay, lease extension) needs
 * the ack ids, which the high-level {@code Subscriber} hides; acks, nacks and extends with
 * {@code Acknowledge} and {@code ModifyAckDeadline}.
 */
final class PubSubDriver implements QueueDriver {
    private static final Logger log = LoggerFactory.getLogger(PubSubDriver.class);
    /** Messages per send, pull and ack call: Pub/Sub takes 1,000; 100 keeps requests well under 10 MB. */
    static final int BATCH = 100;
    /** Shortest deadline of one pull call; shorter ones risk the service leasing messages nobody reads. */
    private static final Duration MIN_PULL_TIMEOUT = Duration.ofMillis(200);
    /** Longest a send waits for the broker's answers. */
    private static final Duration SEND_WAIT = Duration.ofSeconds(60);
    /** How long an interrupted receive waits for the pull under way, to give its messages back. */
    private static final Duration RELEASE_WAIT = Duration.ofSeconds(2);

    private final PubSubAddress address;
    private final PubSubClients clients;
    /** Ordering keys a publish failed on: resumed again before the key's next send (see {@link #send}). */
    private final Set<String> failedKeys = java.util.concurrent.ConcurrentHashMap.newKeySet();

    PubSubDriver(PubSubAddress address, PubSubClients clients) {
        this.address = address;
        this.clients = clients;
    }

    @Override
    public Capabilities capabilities() {
        return PubSubLimits.CAPABILITIES;
    }

    @Override
    public URI uri() {
        return address.uri();
    }

    /**
     * {@code pubsub://projects/P/topics/T-dlq?subscription=T-dlq}: a topic {@code T-dlq} with a subscription
     * of the same name, so that dead letters are kept; an {@code endpoint=} of this URI is kept too.
     */
    @Override
    public URI defaultDeadLetterUri() {
        String dlq = address.topic() + "-dlq";
        String endpoint = address.endpoint() == null ? ""
                : "&endpoint=" + URLEncoder.encode(address.endpoint(), StandardCharsets.UTF_8);
        return URI.create("pubsub://projects/" + address.project() + "/topics/" + dlq + "?subscription=" + dlq + endpoint);
    }

    @Override
    public List<SendResult> send(List<OutboundMessage> batch) {
        List<SendResult> results = new ArrayList<>(batch.size());
        List<ApiFuture<String>> futures = new ArrayList<>(batch.size());
        // The client pauses a key when a publish on it fails, and may record the pause only after that publish's
        // future completed, so a resume at the end of the failing send can come first; resume once more here.
        for (OutboundMessage m : batch) {
            if (keyed(m) && failedKeys.remove(m.orderingKey())) clients.publisher(true).resumePublish(m.orderingKey());
        }
        for (OutboundMessage m : batch) {
            String problem = PubSubLimits.problem(m);
            if (problem != null) {
                results.add(SendResult.failed(new DriverError(ErrorCode.INVALID, problem)));
                futures.add(null);
                continue;
            }
            results.add(null);
            try {
                futures.add(clients.publisher(keyed(m)).publish(toPubsub(m)));
            } catch (RuntimeException e) {
                futures.add(ApiFutures.immediateFailedFuture(e));
            }
        }
        boolean anyKeyed = batch.stream().anyMatch(PubSubDriver::keyed);
        boolean anyPlain = batch.stream().anyMatch(m -> !keyed(m));
        if (anyPlain) clients.publisher(false).publishAllOutstanding();
        if (anyKeyed) clients.publisher(true).publishAllOutstanding();
        long deadline = System.nanoTime() + SEND_WAIT.toNanos();
        Set<String> stuckKeys = new LinkedHashSet<>();
        boolean interrupted = false;
        for (int i = 0; i < batch.size(); i++) {
            ApiFuture<String> f = futures.get(i);
            if (f == null) continue;
            OutboundMessage m = batch.get(i);
            try {
                if (interrupted) throw new InterruptedException();
                results.set(i, SendResult.ok(f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)));
            } catch (TimeoutException e) {
                results.set(i, SendResult.failed(new DriverError(ErrorCode.UNAVAILABLE, "publish of message " + m.id()
                        + " to " + address.topicName() + " did not finish within " + SEND_WAIT.toSeconds()
                        + "s; the client may still be retrying it (it does so for ordering keys)")));
            } catch (InterruptedException e) {
                interrupted = true;
                results.set(i, SendResult.failed(new DriverError(ErrorCode.UNAVAILABLE, "interrupted while publishing message "
                        + m.id() + " to " + address.topicName() + "; it may or may not have been published")));
            } catch (ExecutionException e) {
                results.set(i, SendResult.failed(PubSubErrors.classify("publish of message " + m.id() + " to "
                        + address.topicName(), e)));
                if (keyed(m)) stuckKeys.add(m.orderingKey());
            }
        }
        // After a failed publish the client refuses the key until told to resume; the engine decides what to
        // send again, so the key must not stay stuck.
        if (!stuckKeys.isEmpty()) stuckKeys.forEach(clients.publisher(true)::resumePublish);
        failedKeys.addAll(stuckKeys);
        if (interrupted) Thread.currentThread().interrupt();
        return results;
    }

    /**
     * One long-polling Pull per call: the service holds it until messages arrive or the deadline passes
     * (answered as DEADLINE_EXCEEDED, which is an empty receive). A service that answers empty early is
     * asked again for the time that is left.
     */
    @Override
    public List<InboundMessage> receive(int max, Duration maxWait) throws InterruptedException {
        String subscription = address.subscriptionName();
        PullRequest request = PullRequest.newBuilder().setSubscription(subscription)
                .setMaxMessages(Math.max(1, Math.min(max, BATCH))).build();
        long deadline = System.nanoTime() + Math.max(MIN_PULL_TIMEOUT.toNanos(), maxWait.toNanos());
        while (true) {
            if (Thread.interrupted()) throw new InterruptedException("interrupted while receiving from " + subscription);
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) return List.of();
            List<ReceivedMessage> got = pull(request, Duration.ofNanos(remaining));
            if (!got.isEmpty()) return got.stream().map(PubSubDriver::toInbound).toList();
        }
    }

    private List<ReceivedMessage> pull(PullRequest request, Duration timeout) throws InterruptedException {
        GrpcSubscriberStub stub = clients.subscriber();
        ApiFuture<PullResponse> call = stub.pullCallable().futureCall(request,
                GrpcCallContext.createDefault().withTimeoutDuration(timeout));
        try {
            return call.get().getReceivedMessagesList();
        } catch (InterruptedException e) {
            release(call, request.getSubscription());
            throw e;
        } catch (ExecutionException e) {
            if (PubSubErrors.status(e) == StatusCode.Code.DEADLINE_EXCEEDED) return List.of();
            throw PubSubErrors.wrap("pull from " + request.getSubscription(), e);
        }
    }

    /**
     * After an interrupt: a closing worker loses nothing. Waits briefly for the pull under way and gives back
     * what it brings at once (ack deadline 0); a pull still open after that is cancelled, and whatever it
     * still delivers in the race is given back as well.
     */
    private void release(ApiFuture<PullResponse> call, String subscription) {
        PullResponse response;
        try {
            response = Uninterruptibles.getUninterruptibly(call, RELEASE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            ApiFutures.addCallback(call, new ApiFutureCallback<>() {
                @Override
                public void onSuccess(PullResponse late) {
                    giveBack(late, subscription, false);
                }

                @Override
                public void onFailure(Throwable t) {
                }
            }, MoreExecutors.directExecutor());
            call.cancel(true);
            return;
        } catch (ExecutionException | CancellationException e) {
            return;
        }
        giveBack(response, subscription, true);
    }

    private void giveBack(PullResponse response, String subscription, boolean wait) {
        if (response.getReceivedMessagesCount() == 0) return;
        List<String> ids = response.getReceivedMessagesList().stream().map(ReceivedMessage::getAckId).toList();
        ModifyAckDeadlineRequest request = ModifyAckDeadlineRequest.newBuilder().setSubscription(subscription)
                .addAllAckIds(ids).setAckDeadlineSeconds(0).build();
        ApiFuture<?> nack = clients.subscriber().modifyAckDeadlineCallable().futureCall(request);
        if (!wait) return;
        try {
            Uninterruptibles.getUninterruptibly(nack, RELEASE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException | CancellationException e) {
            log.warn("could not give back {} messages pulled from {} during an interrupt; they return when their"
                    + " ack deadline ends: {}", ids.size(), subscription, e.toString());
        }
    }

    @Override
    public List<AckFailure> ack(List<InboundMessage> batch) {
        List<AckFailure> failures = new ArrayList<>();
        for (int from = 0; from < batch.size(); from += BATCH) {
            List<InboundMessage> chunk = batch.subList(from, Math.min(batch.size(), from + BATCH));
            AcknowledgeRequest request = AcknowledgeRequest.newBuilder().setSubscription(address.subscriptionName())
                    .addAllAckIds(chunk.stream().map(InboundMessage::ackHandle).toList()).build();
            try {
                clients.subscriber().acknowledgeCallable().call(request);
            } catch (RuntimeException e) {
                DriverError error = PubSubErrors.classify("acknowledge on " + address.subscriptionName(), e);
                chunk.forEach(m -> failures.add(new AckFailure(m, error)));
            }
        }
        return failures;
    }

    @Override
    public void nack(InboundMessage message, Duration delay) {
        modifyAckDeadline(List.of(message.ackHandle()), seconds(delay, "nack delay", message));
    }

    @Override
    public void extendLease(InboundMessage message, Duration lease) {
        modifyAckDeadline(List.of(message.ackHandle()), seconds(lease, "lease", message));
    }

    private void modifyAckDeadline(List<String> ackIds, int seconds) {
        ModifyAckDeadlineRequest request = ModifyAckDeadlineRequest.newBuilder()
                .setSubscription(address.subscriptionName()).addAllAckIds(ackIds).setAckDeadlineSeconds(seconds).build();
        try {
            clients.subscriber().modifyAckDeadlineCallable().call(request);
        } catch (RuntimeException e) {
            throw PubSubErrors.wrap("modify ack deadline to " + seconds + "s on " + address.subscriptionName(), e);
        }
    }

    /** Whole seconds within Pub/Sub's 0..600, rounded up so a delay is never shortened; clamping is logged. */
    private int seconds(Duration d, String what, InboundMessage m) {
        if (d.isNegative()) {
            log.warn("{} {} for message {} is negative; Pub/Sub uses 0s", what, d, m.messageId());
            return 0;
        }
        if (d.compareTo(PubSubLimits.MAX_ACK_DEADLINE) > 0) {
            log.warn("{} {} for message {} is over Pub/Sub's 600s ack deadline limit; using 600s", what, d, m.messageId());
            return (int) PubSubLimits.MAX_ACK_DEADLINE.toSeconds();
        }
        long s = d.toSeconds() + (d.toNanosPart() > 0 ? 1 : 0);
        return (int) s;
    }

    @Override
    public List<String> provision(QueueSpec spec, URI deadLetterUri) {
        return new PubSubProvisioner(address, clients).provision(spec, deadLetterUri);
    }

    /**
     * Hands out {@link Publisher} (also as {@link PublisherInterface}; the one for messages without an ordering
     * key, which makes one attempt per publish), {@link GrpcSubscriberStub} (also as
     * {@link SubscriberStub}), {@link TopicAdminClient} and {@link SubscriptionAdminClient}. They belong to
     * the driver: do not close them.
     */
    /**
     * Unknown, saying where to look: Pub/Sub's API (publisher, subscriber and admin alike) has no call that
     * reports a subscription's backlog. Cloud Monitoring has it, per subscription:
     * {@code pubsub.googleapis.com/subscription/num_undelivered_messages} (messages not yet acked: visible and in
     * flight together) and {@code .../oldest_unacked_message_age}; Pub/Sub has no delayed messages to count.
     */
    @Override
    public QueueDepth depth() {
        return QueueDepth.unknown(uri(), "Pub/Sub's API does not report a subscription's backlog; read the Cloud"
                + " Monitoring metrics pubsub.googleapis.com/subscription/num_undelivered_messages and"
                + " pubsub.googleapis.com/subscription/oldest_unacked_message_age for " + address.subscriptionName());
    }

    @Override
    public <T> Optional<T> unwrap(Class<T> type) {
        if (type == Publisher.class || type == PublisherInterface.class) return Optional.of(type.cast(clients.publisher(false)));
        if (type == GrpcSubscriberStub.class || type == SubscriberStub.class) {
            return Optional.of(type.cast(clients.subscriber()));
        }
        if (type == TopicAdminClient.class) return Optional.of(type.cast(clients.topicAdmin()));
        if (type == SubscriptionAdminClient.class) return Optional.of(type.cast(clients.subscriptionAdmin()));
        return Optional.empty();
    }

    @Override
    public void close() {
        clients.close();
    }

    private static boolean keyed(OutboundMessage m) {
        return m.orderingKey() != null && !m.orderingKey().isEmpty();
    }

    private static PubsubMessage toPubsub(OutboundMessage m) {
        PubsubMessage.Builder b = PubsubMessage.newBuilder().setData(ByteString.copyFrom(m.body()))
                .putAllAttributes(m.attributes());
        if (keyed(m)) b.setOrderingKey(m.orderingKey());
        return b.build();
    }

    private static InboundMessage toInbound(ReceivedMessage received) {
        PubsubMessage m = received.getMessage();
        // delivery_attempt is set only when the subscription has a dead-letter policy; 0 means "not counted".
        OptionalInt attempt = received.getDeliveryAttempt() > 0 ? OptionalInt.of(received.getDeliveryAttempt())
                : OptionalInt.empty();
        Instant published = m.hasPublishTime()
                ? Instant.ofEpochSecond(m.getPublishTime().getSeconds(), m.getPublishTime().getNanos()) : null;
        String key = m.getOrderingKey().isEmpty() ? null : m.getOrderingKey();
        return new InboundMessage(m.getMessageId(), m.getData().toByteArray(), m.getAttributesMap(), key, attempt,
                published, received.getAckId(), received);
    }
}
