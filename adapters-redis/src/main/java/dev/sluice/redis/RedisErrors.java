package dev.sluice.redis;

import dev.sluice.ConfigurationException;
import dev.sluice.ErrorCode;
import dev.sluice.SluiceException;
import dev.sluice.spi.DriverError;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * The one table from Redis errors to {@link ErrorCode}, and the sentences users read. Redis names an error by
 * the first word of its reply ({@code NOGROUP}, {@code WRONGPASS}, ...); inside a script the reply keeps it.
 */
final class RedisErrors {
    private RedisErrors() {
    }

    private static final List<Map.Entry<String, ErrorCode>> TABLE = List.of(
            Map.entry("NOGROUP", ErrorCode.NOT_FOUND),
            Map.entry("WRONGPASS", ErrorCode.PERMISSION_DENIED),
            Map.entry("NOAUTH", ErrorCode.PERMISSION_DENIED),
            Map.entry("NOPERM", ErrorCode.PERMISSION_DENIED),
            Map.entry("OOM", ErrorCode.THROTTLED),
            Map.entry("BUSY", ErrorCode.UNAVAILABLE),
            Map.entry("LOADING", ErrorCode.UNAVAILABLE),
            Map.entry("READONLY", ErrorCode.UNAVAILABLE),
            Map.entry("MASTERDOWN", ErrorCode.UNAVAILABLE),
            Map.entry("TRYAGAIN", ErrorCode.UNAVAILABLE),
            Map.entry("CLUSTERDOWN", ErrorCode.UNAVAILABLE),
            Map.entry("MOVED", ErrorCode.INVALID),
            Map.entry("CROSSSLOT", ErrorCode.INVALID),
            Map.entry("WRONGTYPE", ErrorCode.INVALID),
            Map.entry("ERR", ErrorCode.INVALID));

    /** The Redis error word in a reply, e.g. {@code NOGROUP}; null when there is none. */
    static String word(Throwable t) {
        for (Throwable e = t; e != null; e = e.getCause()) {
            if (e instanceof RedisCommandExecutionException && e.getMessage() != null) {
                String m = e.getMessage();
                for (var entry : TABLE) {
                    if (m.startsWith(entry.getKey() + " ") || m.contains(" " + entry.getKey() + " ")) return entry.getKey();
                }
            }
        }
        return null;
    }

    /** The portable class of a failed call. */
    static ErrorCode code(Throwable t) {
        Throwable e = unwrap(t);
        if (e instanceof SluiceException s) return s.code();
        String word = word(e);
        if (word != null) {
            for (var entry : TABLE) if (entry.getKey().equals(word)) return entry.getValue();
        }
        if (e instanceof RedisCommandExecutionException) return ErrorCode.UNKNOWN;
        if (e instanceof RedisConnectionException || e instanceof RedisCommandTimeoutException
                || e instanceof RedisException || e instanceof IOException || e instanceof TimeoutException
                || e instanceof CancellationException) {
            return ErrorCode.UNAVAILABLE;
        }
        return ErrorCode.UNKNOWN;
    }

    /** Whether the server refused the credentials. */
    static boolean authentication(Throwable t) {
        String word = word(t);
        if ("WRONGPASS".equals(word) || "NOAUTH".equals(word)) return true;
        for (Throwable e = t; e != null; e = e.getCause()) {
            String m = e.getMessage();
            if (m != null && (m.contains("invalid password") || m.contains("invalid username-password"))) return true;
        }
        return false;
    }

    /** A sentence for a failed call: what was tried, on which queue, what Redis said and what to do. */
    static String describe(Throwable t, String action, RedisAddress address) {
        Throwable e = unwrap(t);
        ErrorCode code = code(e);
        String said = said(e);
        String base = action + " on " + address.describe() + " failed: " + said;
        return base + switch (code) {
            case NOT_FOUND -> "; the stream or its consumer group does not exist: let Sluice create it (QueueSpec"
                    + " provisioning CREATE_IF_MISSING) or run XGROUP CREATE " + address.name() + " " + address.group()
                    + " 0 MKSTREAM";
            case PERMISSION_DENIED -> "; the ACL user " + user(address) + " needs the stream, sorted set and"
                    + " scripting commands on keys '" + address.name() + "' and '" + address.name()
                    + ":sluice:*' (see the sluice-adapters-redis README)";
            case THROTTLED -> "; Redis is out of memory (maxmemory): free memory or raise the limit";
            case UNAVAILABLE -> "; Redis could not be reached or failed (is the server at " + address.server().host()
                    + ":" + address.server().port() + " running?)";
            default -> "";
        };
    }

    /** What Redis (or the client) said, without any credential. */
    static String said(Throwable e) {
        String m = e.getMessage();
        String said = e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : " (" + m + ")");
        Throwable cause = e.getCause();
        if (cause != null && cause != e && cause.getMessage() != null && !cause.getMessage().equals(m)) {
            said += ", caused by " + cause.getClass().getSimpleName() + " (" + cause.getMessage() + ")";
        }
        return said;
    }

    private static String user(RedisAddress address) {
        return address.server().user() == null ? "'default'" : "'" + address.server().user() + "'";
    }

    /** A {@link DriverError} for a failed call. */
    static DriverError error(Throwable t, String action, RedisAddress address) {
        Throwable e = unwrap(t);
        if (e instanceof SluiceException s) return new DriverError(s.code(), s.getMessage(), s);
        return new DriverError(code(e), describe(e, action, address), e);
    }

    /** A {@link SluiceException} for a failed call, wrapped once; refused credentials are a configuration error. */
    static SluiceException exception(Throwable t, String action, RedisAddress address) {
        Throwable e = unwrap(t);
        if (e instanceof SluiceException s) return s;
        if (authentication(e)) return credentials(e, address);
        return new SluiceException(code(e), describe(e, action, address), e);
    }

    /** Refused credentials: names the user and the server, never the password. */
    static ConfigurationException credentials(Throwable e, RedisAddress address) {
        String word = word(e);
        return new ConfigurationException("Redis at " + address.server().host() + ":" + address.server().port()
                + " refused the credentials of user " + user(address) + " for queue '" + address.name() + "'"
                + (word == null ? "" : " (" + word + ")") + ": check the user and password in the queue URI (or the"
                + " variable its passwordEnv= names) and the server's ACL (ACL GETUSER " + user(address).replace("'", "")
                + ")");
    }

    /** Strips the future wrappers. */
    static Throwable unwrap(Throwable t) {
        Throwable e = t;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}
