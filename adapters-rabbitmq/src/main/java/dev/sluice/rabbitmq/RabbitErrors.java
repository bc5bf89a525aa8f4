package dev.sluice.rabbitmq;

import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.AuthenticationFailureException;
import com.rabbitmq.client.Method;
import com.rabbitmq.client.PossibleAuthenticationFailureException;
import com.rabbitmq.client.ShutdownSignalException;
import com.rabbitmq.client.AMQP;
import dev.sluice.ErrorCode;
import dev.sluice.SluiceException;
import dev.sluice.spi.DriverError;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * The one table from RabbitMQ errors (AMQP 0-9-1 reply codes, client exceptions) to {@link ErrorCode}, and the
 * sentences users read. No sentence carries the password: they name the queue, vhost, broker and user only.
 */
final class RabbitErrors {
    private RabbitErrors() {
    }

    /** AMQP 0-9-1 reply codes, as RabbitMQ uses them. */
    private static final Map<Integer, ErrorCode> TABLE = Map.ofEntries(
            Map.entry(AMQP.REPLY_SUCCESS, ErrorCode.UNAVAILABLE),      // 200: the channel or connection was closed
            Map.entry(AMQP.CONTENT_TOO_LARGE, ErrorCode.INVALID),      // 311
            Map.entry(AMQP.NO_ROUTE, ErrorCode.NOT_FOUND),             // 312: mandatory publish, no such queue
            Map.entry(AMQP.NO_CONSUMERS, ErrorCode.UNAVAILABLE),       // 313
            Map.entry(AMQP.CONNECTION_FORCED, ErrorCode.UNAVAILABLE),  // 320: closed by an operator or a restart
            Map.entry(AMQP.INVALID_PATH, ErrorCode.NOT_FOUND),         // 402
            Map.entry(AMQP.ACCESS_REFUSED, ErrorCode.PERMISSION_DENIED), // 403
            Map.entry(AMQP.NOT_FOUND, ErrorCode.NOT_FOUND),            // 404
            Map.entry(AMQP.RESOURCE_LOCKED, ErrorCode.INVALID),        // 405: exclusive queue of another connection
            Map.entry(AMQP.PRECONDITION_FAILED, ErrorCode.INVALID),    // 406: other arguments, unknown delivery tag
            Map.entry(AMQP.FRAME_ERROR, ErrorCode.INVALID),            // 501
            Map.entry(AMQP.SYNTAX_ERROR, ErrorCode.INVALID),           // 502
            Map.entry(AMQP.COMMAND_INVALID, ErrorCode.INVALID),        // 503
            Map.entry(AMQP.CHANNEL_ERROR, ErrorCode.INVALID),          // 504
            Map.entry(AMQP.UNEXPECTED_FRAME, ErrorCode.INVALID),       // 505
            Map.entry(AMQP.RESOURCE_ERROR, ErrorCode.THROTTLED),       // 506: the broker is out of a resource
            Map.entry(AMQP.NOT_ALLOWED, ErrorCode.PERMISSION_DENIED),  // 530: no access to the vhost
            Map.entry(AMQP.NOT_IMPLEMENTED, ErrorCode.INVALID),        // 540
            Map.entry(AMQP.INTERNAL_ERROR, ErrorCode.UNAVAILABLE));    // 541

    /** The portable class of a reply code; UNKNOWN when the table has none. */
    static ErrorCode byReplyCode(int code) {
        return TABLE.getOrDefault(code, ErrorCode.UNKNOWN);
    }

    /** The portable class of a failed call. */
    static ErrorCode code(Throwable t) {
        Throwable e = unwrap(t);
        if (e instanceof AuthenticationFailureException || e instanceof PossibleAuthenticationFailureException) {
            return ErrorCode.PERMISSION_DENIED;
        }
        if (e instanceof ShutdownSignalException s) {
            Integer reply = replyCode(s);
            if (reply != null) return byReplyCode(reply);
            return ErrorCode.UNAVAILABLE;
        }
        if (e instanceof AlreadyClosedException || e instanceof IOException || e instanceof TimeoutException) {
            return ErrorCode.UNAVAILABLE;
        }
        return ErrorCode.UNKNOWN;
    }

    /** The reply code a channel or connection was closed with, or null. */
    static Integer replyCode(ShutdownSignalException s) {
        Method reason = s.getReason();
        if (reason instanceof AMQP.Channel.Close c) return c.getReplyCode();
        if (reason instanceof AMQP.Connection.Close c) return c.getReplyCode();
        return null;
    }

    /** What the broker said, without the client's wrapping. */
    static String said(Throwable t) {
        Throwable e = unwrap(t);
        if (e instanceof ShutdownSignalException s) {
            Method reason = s.getReason();
            if (reason instanceof AMQP.Channel.Close c) return c.getReplyCode() + " " + c.getReplyText();
            if (reason instanceof AMQP.Connection.Close c) return c.getReplyCode() + " " + c.getReplyText();
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    /** A sentence for a failed call: what was tried, on which queue, what RabbitMQ said and what to do. */
    static String describe(Throwable t, String action, RabbitAddress address) {
        Throwable e = unwrap(t);
        ErrorCode code = code(e);
        if (e instanceof AuthenticationFailureException || e instanceof PossibleAuthenticationFailureException) {
            return address.where() + " refused the login of user '" + address.user() + "' (" + said(e) + "): check the"
                    + " user name and the password (in the URI, or RABBITMQ_PASSWORD), and that the user may use vhost '"
                    + address.vhost() + "'";
        }
        String base = action + " on " + address.describe() + " failed: " + said(e);
        return base + switch (code) {
            case NOT_FOUND -> "; check the queue name and the vhost, or let Sluice create the queue (QueueSpec"
                    + " provisioning CREATE_IF_MISSING)";
            case PERMISSION_DENIED -> "; user '" + address.user() + "' needs configure, write and read permissions on"
                    + " the queue and its '-dlq' and '.retry.' queues in vhost '" + address.vhost() + "'"
                    + " (rabbitmqctl set_permissions)";
            case THROTTLED -> "; RabbitMQ is short of a resource (memory or disk alarm)";
            case UNAVAILABLE -> "; RabbitMQ could not be reached or closed the connection (is the broker at "
                    + address.host() + ":" + address.port() + " running? the client reconnects by itself)";
            default -> "";
        };
    }

    /** A {@link DriverError} for a failed call. */
    static DriverError error(Throwable t, String action, RabbitAddress address) {
        Throwable e = unwrap(t);
        return new DriverError(code(e), describe(e, action, address), e);
    }

    /** A {@link SluiceException} for a failed call, wrapped once. */
    static SluiceException exception(Throwable t, String action, RabbitAddress address) {
        Throwable e = unwrap(t);
        if (e instanceof SluiceException s) return s;
        return new SluiceException(code(e), describe(e, action, address), e);
    }

    /** The client wraps a channel's close in an IOException; the close says what happened. */
    static Throwable unwrap(Throwable t) {
        Throwable e = t;
        while (e instanceof IOException && e.getCause() instanceof ShutdownSignalException) e = e.getCause();
        while (e instanceof java.util.concurrent.ExecutionException && e.getCause() != null) e = e.getCause();
        return e;
    }
}
