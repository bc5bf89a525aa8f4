package dev.sluice.testkit.pubsub;

import com.google.protobuf.Empty;
import com.google.pubsub.v1.AcknowledgeRequest;
import com.google.pubsub.v1.DeleteSubscriptionRequest;
import com.google.pubsub.v1.GetSubscriptionRequest;
import com.google.pubsub.v1.ListSubscriptionsRequest;
import com.google.pubsub.v1.ListSubscriptionsResponse;
import com.google.pubsub.v1.ModifyAckDeadlineRequest;
import com.google.pubsub.v1.PullRequest;
import com.google.pubsub.v1.PullResponse;
import com.google.pubsub.v1.StreamingPullRequest;
import com.google.pubsub.v1.StreamingPullResponse;
import com.google.pubsub.v1.Subscription;
import com.google.pubsub.v1.SubscriberGrpc;
import com.google.pubsub.v1.UpdateSubscriptionRequest;
import io.grpc.Context;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The Subscriber service: subscriptions, Pull, StreamingPull, Acknowledge and ModifyAckDeadline.
 * Methods not overridden (snapshots, seek) answer UNIMPLEMENTED.
 */
final class SubscriberService extends SubscriberGrpc.SubscriberImplBase {

    private final Registry registry;

    SubscriberService(Registry registry) {
        this.registry = registry;
    }

    @Override
    public void createSubscription(Subscription request, StreamObserver<Subscription> responses) {
        Calls.unary(responses, () -> registry.createSubscription(request));
    }

    @Override
    public void getSubscription(GetSubscriptionRequest request, StreamObserver<Subscription> responses) {
        Calls.unary(responses, () -> registry.subscription(request.getSubscription()).config());
    }

    @Override
    public void updateSubscription(UpdateSubscriptionRequest request, StreamObserver<Subscription> responses) {
        Calls.unary(responses, () -> registry.updateSubscription(request.getSubscription(), request.getUpdateMask()));
    }

    @Override
    public void deleteSubscription(DeleteSubscriptionRequest request, StreamObserver<Empty> responses) {
        Calls.unary(responses, () -> {
            registry.deleteSubscription(request.getSubscription());
            return Empty.getDefaultInstance();
        });
    }

    @Override
    public void listSubscriptions(ListSubscriptionsRequest request, StreamObserver<ListSubscriptionsResponse> responses) {
        Calls.unary(responses, () -> {
            Page<Subscription> page = Page.of(registry.subscriptions(request.getProject()), request.getPageSize(),
                    request.getPageToken());
            return ListSubscriptionsResponse.newBuilder()
                    .addAllSubscriptions(page.items())
                    .setNextPageToken(page.nextPageToken())
                    .build();
        });
    }

    /**
     * Answers with what is available now; with nothing available, waits (long polling) until messages
     * arrive or the client's deadline passes, unless the request asks to return immediately or carries no
     * deadline.
     */
    @Override
    public void pull(PullRequest request, StreamObserver<PullResponse> responses) {
        SubscriptionState subscription;
        try {
            subscription = registry.subscription(request.getSubscription());
            if (request.getMaxMessages() <= 0) {
                throw Errors.invalid("max_messages must be greater than 0.");
            }
        } catch (StatusRuntimeException e) {
            responses.onError(e);
            return;
        }
        if (request.getReturnImmediately() || Context.current().getDeadline() == null) {
            Calls.unary(responses, () -> PullResponse.newBuilder()
                    .addAllReceivedMessages(subscription.pull(request.getMaxMessages())).build());
            return;
        }
        ServerCallStreamObserver<PullResponse> call = (ServerCallStreamObserver<PullResponse>) responses;
        AtomicReference<Runnable> callOff = new AtomicReference<>(() -> { });
        call.setOnCancelHandler(() -> callOff.get().run());
        callOff.set(subscription.pullOrWait(request.getMaxMessages(), Context.current().getDeadline(), messages -> {
            if (call.isCancelled()) {
                subscription.undelivered(messages); // they never left: waiting again at once, no attempt counted
                return;
            }
            call.onNext(PullResponse.newBuilder().addAllReceivedMessages(messages).build());
            call.onCompleted();
        }));
    }

    @Override
    public StreamObserver<StreamingPullRequest> streamingPull(StreamObserver<StreamingPullResponse> responses) {
        return StreamingPullSession.open(responses, registry);
    }

    @Override
    public void acknowledge(AcknowledgeRequest request, StreamObserver<Empty> responses) {
        Calls.unary(responses, () -> {
            SubscriptionState subscription = registry.subscription(request.getSubscription());
            if (request.getAckIdsCount() == 0) {
                throw Errors.invalid("No ack ids specified.");
            }
            subscription.acknowledge(request.getAckIdsList());
            return Empty.getDefaultInstance();
        });
    }

    @Override
    public void modifyAckDeadline(ModifyAckDeadlineRequest request, StreamObserver<Empty> responses) {
        Calls.unary(responses, () -> {
            SubscriptionState subscription = registry.subscription(request.getSubscription());
            int seconds = request.getAckDeadlineSeconds();
            if (seconds < 0 || seconds > 600) {
                throw Errors.invalid("Invalid ack deadline given: " + seconds
                        + ". It must be between 0 and 600 seconds.");
            }
            if (request.getAckIdsCount() == 0) {
                throw Errors.invalid("No ack ids specified.");
            }
            subscription.modifyAckDeadline(request.getAckIdsList(), seconds);
            return Empty.getDefaultInstance();
        });
    }
}
