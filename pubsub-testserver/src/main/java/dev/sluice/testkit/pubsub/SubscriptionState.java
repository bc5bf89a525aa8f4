package dev.sluice.testkit.pubsub;

import com.google.protobuf.util.Timestamps;
import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.ReceivedMessage;
import com.google.pubsub.v1.Subscription;
import io.grpc.Deadline;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BiConsumer;

/**
 * The messages of one subscription: waiting, leased to a subscriber, or (with ordering) acknowledged
 * but still part of an open batch. Delivers to unary pulls and to attached streaming-pull sessions,
 * redelivers on nack and on expired deadlines (after the retry policy's backoff), keeps one batch per
 * ordering key out at a time, and forwards to the dead-letter topic after the last allowed attempt.
 *
 * <p>Every method takes this object's lock; dead letters are published after it is released, so two
 * subscriptions that dead-letter into each other's topics cannot deadlock.
 */
final class SubscriptionState {

    /** The topic name a subscription reports once its topic has been deleted. */
    static final String DELETED_TOPIC = "_deleted-topic_";

    /** Most messages in one streaming-pull response. */
    private static final int MAX_MESSAGES_PER_RESPONSE = 1000;

    private record DeadLetter(String topic, PubsubMessage message) {}

    private final TimeSource time;
    private final BiConsumer<String, PubsubMessage> deadLetterPublisher;
    private final Queue<DeadLetter> deadLetterOutbox = new ConcurrentLinkedQueue<>();

    // All below guarded by this.
    private Subscription config;
    private boolean deleted;
    private long nextSequence;
    private long nextAckId;
    /** Messages not out with a subscriber, in publish order (redelivered ones keep their place). */
    private final TreeMap<Long, PendingMessage> waiting = new TreeMap<>();
    private final Map<String, PendingMessage> leased = new HashMap<>();
    private final OrderingBatches batches = new OrderingBatches();
    private final List<StreamingPullSession> sessions = new ArrayList<>();
    private final List<WaitingPull> waitingPulls = new ArrayList<>();

    /**
     * How close to its deadline a waiting unary pull stops being answered with messages. The client gives up
     * at its deadline, and the server learns of that only later (its own deadline timer, or the client's
     * cancel, arrive a little after); messages handed to the pull in that gap would go to nobody and stay
     * leased for a whole ack deadline. So the server stops short of the deadline, as the service answers
     * a long poll before the deadline rather than racing it.
     */
    static final Duration PULL_DEADLINE_MARGIN = Duration.ofMillis(25);

    /**
     * A unary pull waiting for messages (long polling), answered by {@link #dispatch()}; {@code deadline} is
     * the client's (wall clock, as gRPC measures it), or null for none.
     */
    private record WaitingPull(int maxMessages, Deadline deadline, java.util.function.Consumer<List<ReceivedMessage>> reply) {
        boolean closing() {
            return deadline != null && deadline.timeRemaining(TimeUnit.MILLISECONDS) < PULL_DEADLINE_MARGIN.toMillis();
        }
    }
    /** The one timer that wakes delivery when the earliest backing-off message becomes available. */
    private TimeSource.Cancellable wakeUp;
    private Instant wakeUpAt;

    SubscriptionState(Subscription config, TimeSource time, BiConsumer<String, PubsubMessage> deadLetterPublisher) {
        this.config = config;
        this.time = time;
        this.deadLetterPublisher = deadLetterPublisher;
    }

    synchronized Subscription config() {
        return config;
    }

    synchronized String topic() {
        return config.getTopic();
    }

    synchronized void updateConfig(Subscription updated) {
        config = updated;
        dispatch();
    }

    synchronized void topicDeleted() {
        config = config.toBuilder().setTopic(DELETED_TOPIC).build();
    }

    /** Stops all timers and ends attached streams with {@code status}. */
    synchronized void delete(StatusRuntimeException status) {
        deleted = true;
        leased.values().forEach(message -> message.lease().expiry().cancel());
        leased.clear();
        waiting.clear();
        batches.clear();
        if (wakeUp != null) {
            wakeUp.cancel();
        }
        List.copyOf(sessions).forEach(session -> session.abort(status));
        sessions.clear();
        List.copyOf(waitingPulls).forEach(pull -> pull.reply().accept(List.of()));
        waitingPulls.clear();
    }

    /** Adds a message published to this subscription's topic. */
    synchronized void enqueue(PubsubMessage message) {
        if (deleted) {
            return;
        }
        String key = config.getEnableMessageOrdering() ? message.getOrderingKey() : "";
        long sequence = nextSequence++;
        waiting.put(sequence, new PendingMessage(sequence, message, key));
        dispatch();
    }

    /** Unary pull: up to {@code maxMessages} available messages, leased for the subscription's ack deadline. */
    synchronized List<ReceivedMessage> pull(int maxMessages) {
        return lease(take(maxMessages, Long.MAX_VALUE), null, config.getAckDeadlineSeconds());
    }

    /**
     * Unary pull that waits: answers {@code reply} now when messages are available, otherwise when the next
     * ones arrive. Returns what calls the wait off (the client's deadline passed or it cancelled).
     */
    synchronized Runnable pullOrWait(int maxMessages, Deadline deadline,
            java.util.function.Consumer<List<ReceivedMessage>> reply) {
        List<ReceivedMessage> now = pull(maxMessages);
        if (!now.isEmpty() || deleted) {
            reply.accept(now);
            return () -> { };
        }
        WaitingPull waiting = new WaitingPull(maxMessages, deadline, reply);
        waitingPulls.add(waiting);
        return () -> {
            synchronized (this) {
                waitingPulls.remove(waiting);
            }
        };
    }

    /** Starts delivering to {@code session}; NOT_FOUND when this subscription was deleted meanwhile. */
    synchronized void attach(StreamingPullSession session) {
        if (deleted) {
            throw Errors.notFound("subscription", config.getName());
        }
        sessions.add(session);
        dispatch();
    }

    synchronized void detach(StreamingPullSession session) {
        sessions.remove(session);
    }

    /** Acknowledges; unknown or stale ack ids are ignored, as acknowledging twice is not an error. */
    synchronized void acknowledge(List<String> ackIds) {
        for (String ackId : ackIds) {
            PendingMessage message = leased.get(ackId);
            if (message != null) {
                release(message);
                acknowledged(message);
            }
        }
        dispatch();
    }

    /**
     * Messages leased to a unary pull whose call had ended (cancelled, or past its deadline) by the time the
     * answer was ready: they never left the server, so they are waiting again at once, in their place, with
     * no delivery attempt counted. (Without this they would be leased to nobody for a whole ack deadline.)
     * The caller is inside {@link #dispatch()} or about to return; the next dispatch delivers them.
     */
    synchronized void undelivered(List<ReceivedMessage> messages) {
        for (ReceivedMessage received : messages) {
            PendingMessage message = leased.get(received.getAckId());
            if (message == null) {
                continue;
            }
            release(message);
            if (!message.orderingKey().isEmpty() && batches.isOpen(message.orderingKey())) {
                for (PendingMessage later : batches.reopenFrom(message)) {
                    if (later.lease() != null) {
                        release(later);
                    }
                    waiting.put(later.sequence(), later);
                }
            }
            waiting.put(message.sequence(), message);
        }
    }

    /** Extends the leases of {@code ackIds} to {@code seconds} from now; 0 nacks them. */
    void modifyAckDeadline(List<String> ackIds, int seconds) {
        synchronized (this) {
            for (String ackId : ackIds) {
                PendingMessage message = leased.get(ackId);
                if (message == null) {
                    continue;
                }
                if (seconds == 0) {
                    failed(message);
                } else {
                    extend(message, Duration.ofSeconds(seconds));
                }
            }
            dispatch();
        }
        publishDeadLetters();
    }

    /** Delivers what the attached sessions have room for. Called after every change. */
    synchronized void dispatch() {
        if (deleted) {
            return;
        }
        for (WaitingPull waiting : List.copyOf(waitingPulls)) {
            if (waiting.closing()) {
                continue; // its client is about to give up; the deadline (or the cancel) calls it off
            }
            List<PendingMessage> batch = take(waiting.maxMessages(), Long.MAX_VALUE);
            if (batch.isEmpty()) {
                break;
            }
            waitingPulls.remove(waiting);
            waiting.reply().accept(lease(batch, null, config.getAckDeadlineSeconds()));
        }
        boolean sent = true;
        while (sent) {
            sent = false;
            for (StreamingPullSession session : List.copyOf(sessions)) {
                if (!session.hasRoom()) {
                    continue;
                }
                int count = (int) Math.min(session.roomForMessages(), MAX_MESSAGES_PER_RESPONSE);
                List<PendingMessage> batch = take(count, session.roomForBytes());
                if (batch.isEmpty()) {
                    return;
                }
                session.send(lease(batch, session, session.ackDeadlineSeconds()),
                        config.getEnableMessageOrdering());
                sent = true;
            }
        }
    }

    /**
     * Removes from {@code waiting} up to {@code maxCount} messages that may go out now, in order, while
     * fewer than {@code maxBytes} are taken (so the last one may cross the limit, as the service's does). A
     * message whose ordering key has an open batch, or whose earlier message of the same key is still
     * backing off, stays. Messages of one key taken here form that key's new batch.
     */
    private List<PendingMessage> take(int maxCount, long maxBytes) {
        Instant now = time.now();
        List<PendingMessage> taken = new ArrayList<>();
        Set<String> blockedKeys = new HashSet<>();
        Set<String> keysOpenedHere = new HashSet<>();
        Instant nextAvailable = null;
        long bytes = 0;
        for (PendingMessage message : waiting.values()) {
            if (taken.size() >= maxCount) {
                break;
            }
            String key = message.orderingKey();
            boolean ordered = !key.isEmpty();
            if (ordered && (blockedKeys.contains(key) || (batches.isOpen(key) && !keysOpenedHere.contains(key)))) {
                continue;
            }
            if (message.availableAt().isAfter(now)) {
                if (ordered) {
                    blockedKeys.add(key);
                }
                if (nextAvailable == null || message.availableAt().isBefore(nextAvailable)) {
                    nextAvailable = message.availableAt();
                }
                continue;
            }
            if (bytes >= maxBytes) {
                break;
            }
            taken.add(message);
            bytes += message.size();
            if (ordered) {
                batches.add(message);
                keysOpenedHere.add(key);
            }
        }
        taken.forEach(message -> waiting.remove(message.sequence()));
        if (nextAvailable != null) {
            wakeUpAt(nextAvailable);
        }
        return taken;
    }

    /** Makes sure {@link #dispatch()} runs again at {@code instant}, keeping only the earliest such timer. */
    private void wakeUpAt(Instant instant) {
        if (wakeUp != null && !wakeUpAt.isAfter(instant)) {
            return;
        }
        if (wakeUp != null) {
            wakeUp.cancel();
        }
        wakeUpAt = instant;
        wakeUp = time.schedule(untilAtLeastOneMilli(instant), () -> {
            synchronized (this) {
                wakeUp = null;
                dispatch();
            }
        });
    }

    private Duration untilAtLeastOneMilli(Instant instant) {
        Duration remaining = Duration.between(time.now(), instant);
        return remaining.compareTo(Duration.ofMillis(1)) < 0 ? Duration.ofMillis(1) : remaining;
    }

    private List<ReceivedMessage> lease(List<PendingMessage> messages, StreamingPullSession session,
            int deadlineSeconds) {
        Optional<DeadLetterTarget> deadLetter = DeadLetterTarget.of(config);
        Instant deadline = time.now().plusSeconds(deadlineSeconds);
        List<ReceivedMessage> received = new ArrayList<>(messages.size());
        for (PendingMessage message : messages) {
            String ackId = config.getName() + "#" + (nextAckId++);
            TimeSource.Cancellable expiry = time.schedule(Duration.ofSeconds(deadlineSeconds), () -> expire(ackId));
            message.lease(new PendingMessage.Lease(ackId, deadline, expiry, session));
            leased.put(ackId, message);
            if (session != null) {
                session.leased(message.size());
            }
            ReceivedMessage.Builder builder = ReceivedMessage.newBuilder().setAckId(ackId).setMessage(message.message());
            deadLetter.ifPresent(target -> builder.setDeliveryAttempt(message.failures() + 1));
            received.add(builder.build());
        }
        return received;
    }

    private void expire(String ackId) {
        synchronized (this) {
            PendingMessage message = leased.get(ackId);
            if (message == null) {
                return;
            }
            PendingMessage.Lease lease = message.lease();
            if (time.now().isBefore(lease.deadline())) {
                // A custom time source ran the timer early: look again when the deadline is due.
                TimeSource.Cancellable expiry = time.schedule(untilAtLeastOneMilli(lease.deadline()), () -> expire(ackId));
                message.lease(new PendingMessage.Lease(ackId, lease.deadline(), expiry, lease.session()));
                return;
            }
            failed(message);
            dispatch();
        }
        publishDeadLetters();
    }

    private void extend(PendingMessage message, Duration extension) {
        PendingMessage.Lease lease = message.lease();
        lease.expiry().cancel();
        String ackId = lease.ackId();
        TimeSource.Cancellable expiry = time.schedule(extension, () -> expire(ackId));
        message.lease(new PendingMessage.Lease(ackId, time.now().plus(extension), expiry, lease.session()));
    }

    /** Ends the lease of a delivered message: no more expiry, and room again in its session. */
    private void release(PendingMessage message) {
        PendingMessage.Lease lease = message.lease();
        leased.remove(lease.ackId());
        lease.expiry().cancel();
        if (lease.session() != null) {
            lease.session().released(message.size());
        }
        message.lease(null);
    }

    private void acknowledged(PendingMessage message) {
        if (!message.orderingKey().isEmpty()) {
            batches.acknowledged(message);
        }
    }

    /**
     * A nack or an expired deadline. The message goes to the dead-letter topic if this was its last
     * allowed attempt, else back to {@code waiting} after the retry backoff. With an ordering key, the
     * later messages of its batch (acknowledged or not) are redelivered too, after it.
     */
    private void failed(PendingMessage message) {
        release(message);
        message.recordFailure();
        Instant now = time.now();
        Optional<DeadLetterTarget> deadLetter = DeadLetterTarget.of(config);
        if (deadLetter.isPresent() && message.failures() >= deadLetter.get().maxDeliveryAttempts()) {
            deadLetterOutbox.add(new DeadLetter(deadLetter.get().topic(), forwarded(message)));
        } else {
            Duration backoff = RetryBackoff.of(config).delayAfter(message.failures());
            message.availableAt(now.plus(backoff));
            waiting.put(message.sequence(), message);
        }
        if (!message.orderingKey().isEmpty()) {
            for (PendingMessage later : batches.reopenFrom(message)) {
                if (later.lease() != null) {
                    release(later);
                }
                later.availableAt(now);
                waiting.put(later.sequence(), later);
            }
        }
    }

    /** The message as the service forwards it to a dead-letter topic, with the source attributes. */
    private PubsubMessage forwarded(PendingMessage message) {
        String name = config.getName();
        return message.message().toBuilder()
                .clearMessageId()
                .clearPublishTime()
                .putAttributes("CloudPubSubDeadLetterSourceDeliveryCount", Integer.toString(message.failures()))
                .putAttributes("CloudPubSubDeadLetterSourceSubscription", ResourceNames.id(name))
                .putAttributes("CloudPubSubDeadLetterSourceSubscriptionProject", ResourceNames.projectId(name))
                .putAttributes("CloudPubSubDeadLetterSourceTopicPublishTime",
                        Timestamps.toString(message.message().getPublishTime()))
                .build();
    }

    private void publishDeadLetters() {
        DeadLetter next;
        while ((next = deadLetterOutbox.poll()) != null) {
            deadLetterPublisher.accept(next.topic(), next.message());
        }
    }
}
