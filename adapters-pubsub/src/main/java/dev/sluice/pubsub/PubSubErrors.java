package dev.sluice.pubsub;

import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.StatusCode;
import dev.sluice.ErrorCode;
import dev.sluice.SluiceException;
import dev.sluice.spi.DriverError;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** The one table from gRPC status codes to {@link ErrorCode}, and the wrapping that uses it. */
final class PubSubErrors {
    private static final Map<StatusCode.Code, ErrorCode> TABLE = new EnumMap<>(StatusCode.Code.class);

    static {
        TABLE.put(StatusCode.Code.NOT_FOUND, ErrorCode.NOT_FOUND);
        TABLE.put(StatusCode.Code.PERMISSION_DENIED, ErrorCode.PERMISSION_DENIED);
        TABLE.put(StatusCode.Code.UNAUTHENTICATED, ErrorCode.PERMISSION_DENIED);
        TABLE.put(StatusCode.Code.INVALID_ARGUMENT, ErrorCode.INVALID);
        TABLE.put(StatusCode.Code.FAILED_PRECONDITION, ErrorCode.INVALID);
        TABLE.put(StatusCode.Code.OUT_OF_RANGE, ErrorCode.INVALID);
        TABLE.put(StatusCode.Code.ALREADY_EXISTS, ErrorCode.INVALID);
        TABLE.put(StatusCode.Code.UNIMPLEMENTED, ErrorCode.INVALID);
        TABLE.put(StatusCode.Code.RESOURCE_EXHAUSTED, ErrorCode.THROTTLED);
        TABLE.put(StatusCode.Code.UNAVAILABLE, ErrorCode.UNAVAILABLE);
        TABLE.put(StatusCode.Code.DEADLINE_EXCEEDED, ErrorCode.UNAVAILABLE);
        TABLE.put(StatusCode.Code.ABORTED, ErrorCode.UNAVAILABLE);
        TABLE.put(StatusCode.Code.INTERNAL, ErrorCode.UNAVAILABLE);
        TABLE.put(StatusCode.Code.CANCELLED, ErrorCode.UNAVAILABLE);
        TABLE.put(StatusCode.Code.UNKNOWN, ErrorCode.UNKNOWN);
        TABLE.put(StatusCode.Code.DATA_LOSS, ErrorCode.UNKNOWN);
    }

    private PubSubErrors() {
    }

    /** The portable class of a gRPC status code. */
    static ErrorCode code(StatusCode.Code code) {
        return TABLE.getOrDefault(code, ErrorCode.UNKNOWN);
    }

    /** The gRPC status code of {@code t} or of one of its causes, or null when it carries none. */
    static StatusCode.Code status(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof ApiException api) return api.getStatusCode().getCode();
            if (c instanceof StatusRuntimeException s) return grpc(s.getStatus());
            if (c instanceof StatusException s) return grpc(s.getStatus());
        }
        return null;
    }

    /** Classifies a failure of {@code what} (e.g. "publish to projects/p/topics/t"). */
    static DriverError classify(String what, Throwable t) {
        Throwable cause = unwrap(t);
        StatusCode.Code status = status(cause);
        ErrorCode code = status == null ? ErrorCode.UNKNOWN : code(status);
        String detail = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return new DriverError(code, "Pub/Sub " + what + " failed: " + detail, cause);
    }

    /** The exception to throw for a failed call: the {@link SluiceException} wrapping it once. */
    static SluiceException wrap(String what, Throwable t) {
        DriverError e = classify(what, t);
        return new SluiceException(e.code(), e.message(), e.cause());
    }

    private static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while ((c instanceof ExecutionException || c instanceof CompletionException) && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }

    private static StatusCode.Code grpc(Status status) {
        return StatusCode.Code.valueOf(status.getCode().name());
    }
}
