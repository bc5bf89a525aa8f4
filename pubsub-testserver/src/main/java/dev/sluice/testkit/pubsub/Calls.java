package dev.sluice.testkit.pubsub;

import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.function.Supplier;

/** Answers a unary call: the value of {@code body}, or the gRPC status it threw. */
final class Calls {

    private Calls() {}

    static <T> void unary(StreamObserver<T> responses, Supplier<T> body) {
        T response;
        try {
            response = body.get();
        } catch (StatusRuntimeException e) {
            responses.onError(e);
            return;
        }
        responses.onNext(response);
        responses.onCompleted();
    }
}
