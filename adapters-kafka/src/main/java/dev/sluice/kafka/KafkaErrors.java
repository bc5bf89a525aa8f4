package dev.sluice.kafka;

import dev.sluice.ErrorCode;
import dev.sluice.SluiceException;
import dev.sluice.spi.DriverError;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRecordStateException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.ThrottlingQuotaExceededException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.errors.UnsupportedVersionException;

/** The one table from Kafka's exceptions to {@link ErrorCode}, and the sentences users read. */
final class KafkaErrors {
    private KafkaErrors() {
    }

    /** First match wins: subclasses before their parents ({@code UnknownTopicOrPartition} is retriable). */
    private static final List<Map.Entry<Class<? extends Throwable>, ErrorCode>> TABLE = List.of(
            Map.entry(UnknownTopicOrPartitionException.class, ErrorCode.NOT_FOUND),
            Map.entry(GroupIdNotFoundException.class, ErrorCode.NOT_FOUND),
            Map.entry(InvalidRecordStateException.class, ErrorCode.NOT_FOUND),
            Map.entry(AuthorizationException.class, ErrorCode.PERMISSION_DENIED),
            Map.entry(AuthenticationException.class, ErrorCode.PERMISSION_DENIED),
            Map.entry(ThrottlingQuotaExceededException.class, ErrorCode.THROTTLED),
            Map.entry(RecordTooLargeException.class, ErrorCode.INVALID),
            Map.entry(InvalidTopicException.class, ErrorCode.INVALID),
            Map.entry(InvalidConfigurationException.class, ErrorCode.INVALID),
            Map.entry(InvalidRequestException.class, ErrorCode.INVALID),
            Map.entry(PolicyViolationException.class, ErrorCode.INVALID),
            Map.entry(SerializationException.class, ErrorCode.INVALID),
            Map.entry(UnsupportedVersionException.class, ErrorCode.INVALID),
            Map.entry(RetriableException.class, ErrorCode.UNAVAILABLE),
            Map.entry(org.apache.kafka.common.errors.TimeoutException.class, ErrorCode.UNAVAILABLE),
            Map.entry(java.util.concurrent.TimeoutException.class, ErrorCode.UNAVAILABLE),
            Map.entry(org.apache.kafka.common.errors.DisconnectException.class, ErrorCode.UNAVAILABLE),
            Map.entry(org.apache.kafka.common.errors.InterruptException.class, ErrorCode.UNAVAILABLE));

    /** The portable class of a failed call. */
    static ErrorCode code(Throwable t) {
        Throwable e = unwrap(t);
        if (e instanceof SluiceException s) return s.code();
        for (var entry : TABLE) {
            if (entry.getKey().isInstance(e)) return entry.getValue();
        }
        return ErrorCode.UNKNOWN;
    }

    /** A sentence for a failed call: what was tried, on which topic, what Kafka said and what to do. */
    static String describe(Throwable t, String action, KafkaAddress address) {
        Throwable e = unwrap(t);
        String base = action + " on " + address.describe() + " failed: " + said(e);
        return base + switch (code(e)) {
            case NOT_FOUND -> e instanceof InvalidRecordStateException
                    ? "; the record's acquisition lock ended first, so it was or will be delivered again"
                    : "; the topic does not exist: let Sluice create it (QueueSpec provisioning CREATE_IF_MISSING) or run"
                    + " kafka-topics.sh --create --topic " + address.topic();
            case PERMISSION_DENIED -> e instanceof AuthenticationException ? authentication(address)
                    : "; the principal needs READ and WRITE on topic '" + address.topic() + "' and"
                    + " READ on group '" + address.group() + "' (see the sluice-adapters-kafka README)";
            case THROTTLED -> "; a quota of the broker was reached";
            case UNAVAILABLE -> "; Kafka could not be reached or did not answer in time (are the brokers at "
                    + address.connection().describe() + " running, and is that their listener's security.protocol?)";
            default -> "";
        };
    }

    /** What to check when the brokers refused the login: the setting that says how the clients log in, and the secret. */
    private static String authentication(KafkaAddress address) {
        KafkaConnection c = address.connection();
        if (c.mechanism() == null) {
            return "; the brokers at " + c.bootstrap() + " refused the connection with security.protocol=" + c.protocol()
                    + ": check that it is the protocol of their listener (and the TLS settings)";
        }
        return "; the brokers at " + c.bootstrap() + " refused the login of user '" + c.user() + "' with sasl.mechanism="
                + c.mechanism() + ": check the password (environment variable "
                + c.written().getOrDefault(KafkaConnection.PASSWORD_ENV, KafkaConnection.DEFAULT_PASSWORD_ENV)
                + ") and that the user exists for that mechanism";
    }

    static String said(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : " (" + m + ")");
    }

    /** A {@link DriverError} for a failed call. */
    static DriverError error(Throwable t, String action, KafkaAddress address) {
        Throwable e = unwrap(t);
        if (e instanceof SluiceException s) return new DriverError(s.code(), s.getMessage(), s);
        return new DriverError(code(e), describe(e, action, address), e);
    }

    /** A {@link SluiceException} for a failed call, wrapped once. */
    static SluiceException exception(Throwable t, String action, KafkaAddress address) {
        Throwable e = unwrap(t);
        if (e instanceof SluiceException s) return s;
        return new SluiceException(code(e), describe(e, action, address), e);
    }

    /** The topic is missing: names the topic and the broker, says how to create it. */
    static SluiceException missing(KafkaAddress address, String broker, String action) {
        return new SluiceException(ErrorCode.NOT_FOUND, action + ": " + broker + " topic '" + address.topic() + "' on "
                + address.bootstrap() + " does not exist; let Sluice create it (QueueSpec provisioning CREATE_IF_MISSING)"
                + " or run kafka-topics.sh --create --topic " + address.topic());
    }

    /** Strips the future wrappers. */
    static Throwable unwrap(Throwable t) {
        Throwable e = t;
        while ((e instanceof CompletionException || e instanceof ExecutionException
                || e instanceof org.apache.kafka.common.KafkaException && e.getClass() == org.apache.kafka.common.KafkaException.class)
                && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}
