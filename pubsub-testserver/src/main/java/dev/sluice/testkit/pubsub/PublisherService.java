package dev.sluice.testkit.pubsub;

import com.google.protobuf.Empty;
import com.google.pubsub.v1.DeleteTopicRequest;
import com.google.pubsub.v1.GetTopicRequest;
import com.google.pubsub.v1.ListTopicSubscriptionsRequest;
import com.google.pubsub.v1.ListTopicSubscriptionsResponse;
import com.google.pubsub.v1.ListTopicsRequest;
import com.google.pubsub.v1.ListTopicsResponse;
import com.google.pubsub.v1.PublishRequest;
import com.google.pubsub.v1.PublishResponse;
import com.google.pubsub.v1.PublisherGrpc;
import com.google.pubsub.v1.Topic;
import io.grpc.stub.StreamObserver;

/** The Publisher service: topics and Publish. Methods not overridden answer UNIMPLEMENTED. */
final class PublisherService extends PublisherGrpc.PublisherImplBase {

    private final Registry registry;

    PublisherService(Registry registry) {
        this.registry = registry;
    }

    @Override
    public void createTopic(Topic request, StreamObserver<Topic> responses) {
        Calls.unary(responses, () -> {
            if (!request.getSchemaSettings().getSchema().isEmpty()) {
                throw Errors.unimplemented("Schemas");
            }
            return registry.createTopic(request);
        });
    }

    @Override
    public void getTopic(GetTopicRequest request, StreamObserver<Topic> responses) {
        Calls.unary(responses, () -> registry.topic(request.getTopic()));
    }

    @Override
    public void deleteTopic(DeleteTopicRequest request, StreamObserver<Empty> responses) {
        Calls.unary(responses, () -> {
            registry.deleteTopic(request.getTopic());
            return Empty.getDefaultInstance();
        });
    }

    @Override
    public void listTopics(ListTopicsRequest request, StreamObserver<ListTopicsResponse> responses) {
        Calls.unary(responses, () -> {
            Page<Topic> page = Page.of(registry.topics(request.getProject()), request.getPageSize(),
                    request.getPageToken());
            return ListTopicsResponse.newBuilder()
                    .addAllTopics(page.items())
                    .setNextPageToken(page.nextPageToken())
                    .build();
        });
    }

    @Override
    public void listTopicSubscriptions(ListTopicSubscriptionsRequest request,
            StreamObserver<ListTopicSubscriptionsResponse> responses) {
        Calls.unary(responses, () -> {
            Page<String> page = Page.of(registry.subscriptionNamesOf(request.getTopic()), request.getPageSize(),
                    request.getPageToken());
            return ListTopicSubscriptionsResponse.newBuilder()
                    .addAllSubscriptions(page.items())
                    .setNextPageToken(page.nextPageToken())
                    .build();
        });
    }

    @Override
    public void publish(PublishRequest request, StreamObserver<PublishResponse> responses) {
        Calls.unary(responses, () -> {
            registry.topic(request.getTopic());
            PublishRules.check(request);
            return PublishResponse.newBuilder()
                    .addAllMessageIds(registry.publish(request.getTopic(), request.getMessagesList()))
                    .build();
        });
    }
}
