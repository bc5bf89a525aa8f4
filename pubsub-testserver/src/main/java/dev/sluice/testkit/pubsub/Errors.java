package dev.sluice.testkit.pubsub;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/** The gRPC errors the real service returns, with its wording where it matters to a reader. */
final class Errors {

    private Errors() {}

    static StatusRuntimeException notFound(String kind, String name) {
        return Status.NOT_FOUND.withDescription("Resource not found (resource=" + kind + ": " + name + ").")
                .asRuntimeException();
    }

    static StatusRuntimeException alreadyExists(String kind, String name) {
        return Status.ALREADY_EXISTS.withDescription("Resource already exists in the project (resource="
                + kind + ": " + name + ").").asRuntimeException();
    }

    static StatusRuntimeException invalid(String description) {
        return Status.INVALID_ARGUMENT.withDescription(description).asRuntimeException();
    }

    static StatusRuntimeException unimplemented(String feature) {
        return Status.UNIMPLEMENTED.withDescription(feature + " is not implemented by the Sluice Pub/Sub test server.")
                .asRuntimeException();
    }
}
