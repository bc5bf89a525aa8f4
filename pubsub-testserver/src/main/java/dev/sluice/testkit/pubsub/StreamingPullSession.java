package dev.sluice.testkit.pubsub;

import com.google.pubsub.v1.ReceivedMessage;
import com.google.pubsub.v1.StreamingPullRequest;
import com.google.pubsub.v1.StreamingPullResponse;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.List;

/**
 * One StreamingPull call. The first request names the subscription, the stream's ack deadline and its
 * flow control; every request may carry acks and deadline changes. Messages go out while the call is
 * ready and the outstanding (delivered, not yet acked, nacked or expired) messages and bytes are under
 * the limits; a limit of 0 means none.
 *
 * <p>The counters are guarded by the lock of the attached {@link SubscriptionState}, which is the
 * only caller of {@link #hasRoom()}, {@link #send}, {@link #leased}, {@link #released} and {@link #abort}.
 */
final class StreamingPullSession implements StreamObserver<StreamingPullRequest> {

    private final ServerCallStreamObserver<StreamingPullResponse> out;
    private final Registry registry;
    private volatile SubscriptionState subscription;

    private int ackDeadlineSeconds;
    private long maxMessages;
    private long maxBytes;
    private long outstandingMessages;
    private long outstandingBytes;
    private boolean closed;

    private StreamingPullSession(ServerCallStreamObserver<StreamingPullResponse> out, Registry registry) {
        this.out = out;
        this.registry = registry;
    }

    /**
     * Starts a session on {@code responses}. The ready and cancel handlers are installed here, before
     * the service method returns: gRPC ignores an on-ready handler set later, and delivery would stop.
     */
    static StreamingPullSession open(StreamObserver<StreamingPullResponse> responses, Registry registry) {
        ServerCallStreamObserver<StreamingPullResponse> out = (ServerCallStreamObserver<StreamingPullResponse>) responses;
        StreamingPullSession session = new StreamingPullSession(out, registry);
        out.setOnReadyHandler(session::onReady);
        out.setOnCancelHandler(session::detach);
        return session;
    }

    @Override
    public void onNext(StreamingPullRequest request) {
        try {
            if (subscription == null) {
                start(request);
            } else if (!request.getSubscription().isEmpty()) {
                throw Errors.invalid("subscription must only be specified in the initial request.");
            }
            apply(request);
        } catch (StatusRuntimeException e) {
            SubscriptionState attached = subscription;
            if (attached == null) {
                out.onError(e);
            } else {
                synchronized (attached) {
                    abort(e);
                }
            }
        }
    }

    @Override
    public void onError(Throwable t) {
        detach();
    }

    @Override
    public void onCompleted() {
        SubscriptionState attached = subscription;
        if (attached == null) {
            out.onCompleted();
            return;
        }
        synchronized (attached) {
            if (!closed) {
                closed = true;
                attached.detach(this);
                out.onCompleted();
            }
        }
    }

    private void start(StreamingPullRequest first) {
        String name = ResourceNames.subscription(first.getSubscription());
        int deadline = first.getStreamAckDeadlineSeconds();
        if (deadline < 10 || deadline > 600) {
            throw Errors.invalid("Invalid stream_ack_deadline_seconds: " + deadline
                    + ". It must be between 10 and 600 seconds.");
        }
        SubscriptionState state = registry.subscription(name);
        synchronized (state) {
            ackDeadlineSeconds = deadline;
            maxMessages = Math.max(0, first.getMaxOutstandingMessages());
            maxBytes = Math.max(0, first.getMaxOutstandingBytes());
            subscription = state;
            state.attach(this);
        }
    }

    private void apply(StreamingPullRequest request) {
        if (request.getModifyDeadlineSecondsCount() != request.getModifyDeadlineAckIdsCount()) {
            throw Errors.invalid("modify_deadline_seconds and modify_deadline_ack_ids must have the same size.");
        }
        for (int seconds : request.getModifyDeadlineSecondsList()) {
            if (seconds < 0 || seconds > 600) {
                throw Errors.invalid("Invalid ack deadline given: " + seconds
                        + ". It must be between 0 and 600 seconds.");
            }
        }
        SubscriptionState state = subscription;
        if (request.getAckIdsCount() > 0) {
            state.acknowledge(request.getAckIdsList());
        }
        for (int i = 0; i < request.getModifyDeadlineAckIdsCount(); i++) {
            state.modifyAckDeadline(List.of(request.getModifyDeadlineAckIds(i)), request.getModifyDeadlineSeconds(i));
        }
        int newDeadline = request.getStreamAckDeadlineSeconds();
        if (newDeadline != 0) {
            if (newDeadline < 10 || newDeadline > 600) {
                throw Errors.invalid("Invalid stream_ack_deadline_seconds: " + newDeadline + ".");
            }
            synchronized (state) {
                ackDeadlineSeconds = newDeadline;
            }
        }
    }

    private void onReady() {
        SubscriptionState attached = subscription;
        if (attached != null) {
            attached.dispatch();
        }
    }

    private void detach() {
        SubscriptionState attached = subscription;
        if (attached != null) {
            synchronized (attached) {
                closed = true;
                attached.detach(this);
            }
        }
    }

    // Called by the attached SubscriptionState, under its lock.

    int ackDeadlineSeconds() {
        return ackDeadlineSeconds;
    }

    boolean hasRoom() {
        return !closed && out.isReady() && roomForMessages() > 0 && roomForBytes() > 0;
    }

    long roomForMessages() {
        return maxMessages == 0 ? Long.MAX_VALUE : maxMessages - outstandingMessages;
    }

    long roomForBytes() {
        return maxBytes == 0 ? Long.MAX_VALUE : maxBytes - outstandingBytes;
    }

    void send(List<ReceivedMessage> messages, boolean orderingEnabled) {
        // The Java Subscriber keeps per-key order only when every response says ordering is on.
        out.onNext(StreamingPullResponse.newBuilder()
                .addAllReceivedMessages(messages)
                .setSubscriptionProperties(StreamingPullResponse.SubscriptionProperties.newBuilder()
                        .setMessageOrderingEnabled(orderingEnabled))
                .build());
    }

    void leased(long bytes) {
        outstandingMessages++;
        outstandingBytes += bytes;
    }

    void released(long bytes) {
        outstandingMessages--;
        outstandingBytes -= bytes;
    }

    void abort(StatusRuntimeException status) {
        if (closed) {
            return;
        }
        closed = true;
        subscription.detach(this);
        out.onError(status);
    }
}
