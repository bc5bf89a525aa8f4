package dev.sluice.testkit.pubsub;

import com.google.api.gax.rpc.ClientStream;
import com.google.api.gax.rpc.ResponseObserver;
import com.google.api.gax.rpc.StreamController;
import com.google.pubsub.v1.ReceivedMessage;
import com.google.pubsub.v1.StreamingPullRequest;
import com.google.pubsub.v1.StreamingPullResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A StreamingPull call made by hand through GrpcSubscriberStub, to see exactly what the server sends. */
final class RawStreamingPull implements AutoCloseable {

    final BlockingQueue<ReceivedMessage> received = new LinkedBlockingQueue<>();
    final List<StreamingPullResponse> responses = new ArrayList<>();
    final CompletableFuture<Void> ended = new CompletableFuture<>();
    private final ClientStream<StreamingPullRequest> requests;

    RawStreamingPull(PubSubClients clients, StreamingPullRequest first) {
        requests = clients.stub.streamingPullCallable().splitCall(new ResponseObserver<>() {
            @Override
            public void onStart(StreamController controller) {}

            @Override
            public void onResponse(StreamingPullResponse response) {
                synchronized (responses) {
                    responses.add(response);
                }
                received.addAll(response.getReceivedMessagesList());
            }

            @Override
            public void onError(Throwable t) {
                ended.completeExceptionally(t);
            }

            @Override
            public void onComplete() {
                ended.complete(null);
            }
        });
        requests.send(first);
    }

    /** The next {@code count} messages, failing if they do not come within 10 s. */
    List<ReceivedMessage> take(int count) throws InterruptedException {
        List<ReceivedMessage> taken = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ReceivedMessage next = received.poll(10, TimeUnit.SECONDS);
            if (next == null) {
                throw new AssertionError("expected " + count + " messages, got " + taken.size());
            }
            taken.add(next);
        }
        return taken;
    }

    /** True when nothing more arrives within a short quiet period. */
    boolean staysQuiet() throws InterruptedException {
        return received.poll(300, TimeUnit.MILLISECONDS) == null;
    }

    void send(StreamingPullRequest request) {
        requests.send(request);
    }

    List<StreamingPullResponse> responses() {
        synchronized (responses) {
            return List.copyOf(responses);
        }
    }

    @Override
    public void close() {
        requests.closeSend();
    }
}
