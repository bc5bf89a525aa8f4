package dev.sluice.rabbitmq;

import dev.sluice.ConfigurationException;
import dev.sluice.Redaction;
import dev.sluice.spi.DriverContext;
import dev.sluice.spi.UriParameters;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Where an {@code amqp://} or {@code amqps://} URI points: broker, virtual host, queue and login. Parsing fails
 * with a {@link ConfigurationException} naming the part of the URI that is wrong; no message, and no
 * {@link #toString()}, ever carries the password.
 *
 * <ul>
 *   <li>{@code amqp://127.0.0.1/orders}: queue {@code orders} in the default virtual host {@code /};</li>
 *   <li>{@code amqp://app:secret@mq.example.com:5672/sales/orders}: queue {@code orders} in virtual host
 *       {@code sales}; {@code %2F} as the virtual host segment is {@code /};</li>
 *   <li>{@code amqps://...}: TLS (port 5671 by default), the JVM's trust store, host name verified.</li>
 * </ul>
 * Parameters: {@code heartbeat} (seconds, default 30), {@code connectionTimeout} (seconds, default 10).
 * Without a user in the URI, {@code RABBITMQ_USERNAME} / {@code RABBITMQ_PASSWORD} from the environment, else
 * {@code guest}/{@code guest}; a user in the URI without a password takes {@code RABBITMQ_PASSWORD}.
 *
 * @param uri       the URI with the password removed: what {@code QueueDriver.uri()} and every message show
 * @param original  the URI as written (may hold the password; used only to derive the dead-letter URI)
 * @param tls       {@code amqps}
 * @param host      broker host
 * @param port      broker port
 * @param vhost     virtual host
 * @param queue     queue name
 * @param user      user name
 * @param password  password, never shown
 * @param heartbeatSeconds  requested heartbeat
 * @param connectionTimeoutSeconds  TCP and handshake timeout
 */
record RabbitAddress(URI uri, URI original, boolean tls, String host, int port, String vhost, String queue,
                     String user, String password, int heartbeatSeconds, int connectionTimeoutSeconds) {
    private static final List<String> PARAMETERS = List.of("heartbeat", "connectionTimeout");
    static final String DLQ_SUFFIX = "-dlq";

    /** The connection this address shares with others: broker, virtual host, login, TLS and timeouts. */
    record ConnectionKey(boolean tls, String host, int port, String vhost, String user, String password,
                         int heartbeatSeconds, int connectionTimeoutSeconds) {
        @Override
        public String toString() {
            return (tls ? "amqps://" : "amqp://") + user + "@" + host + ":" + port + " vhost '" + vhost + "'";
        }
    }

    ConnectionKey connectionKey() {
        return new ConnectionKey(tls, host, port, vhost, user, password, heartbeatSeconds, connectionTimeoutSeconds);
    }

    /** A human description for error messages: queue, virtual host, broker and user; never the password. */
    String describe() {
        return describe(queue);
    }

    /** The same for another queue of this vhost (the dead-letter and retry queues). */
    String describe(String name) {
        return "RabbitMQ queue '" + name + "' (vhost '" + vhost + "' on " + host + ":" + port + ", user '" + user + "')";
    }

    /** Broker and user, for connection errors. */
    String where() {
        return "RabbitMQ at " + host + ":" + port + " (vhost '" + vhost + "', user '" + user + "'" + (tls ? ", TLS" : "") + ")";
    }

    /** {@code <queue>-dlq} in the same virtual host, with the same login and parameters. */
    URI defaultDeadLetterUri() {
        String path = original.getRawPath();
        String base = path.substring(0, path.lastIndexOf('/') + 1);
        return URI.create(original.getScheme() + "://" + original.getRawAuthority() + base
                + encode(queue + DLQ_SUFFIX) + (original.getRawQuery() == null ? "" : "?" + original.getRawQuery()));
    }

    @Override
    public String toString() {
        return "RabbitAddress[" + uri + "]";
    }

    /** Parses {@code uri}; the environment supplies {@code RABBITMQ_USERNAME} and {@code RABBITMQ_PASSWORD}. */
    static RabbitAddress parse(URI original, DriverContext context) {
        String scheme = original.getScheme();
        URI shown = redacted(original);
        if (!"amqp".equals(scheme) && !"amqps".equals(scheme)) {
            throw new ConfigurationException("'" + shown + "' is not an amqp:// or amqps:// URI");
        }
        boolean tls = "amqps".equals(scheme);
        String host = original.getHost();
        if (host == null || host.isEmpty()) {
            throw new ConfigurationException("queue uri '" + shown + "' names no broker host; write amqp://<host>[:port]/[vhost/]<queue>");
        }
        int port = original.getPort() < 0 ? (tls ? 5671 : 5672) : original.getPort();
        String path = original.getRawPath() == null ? "" : original.getRawPath();
        String[] segments = path.isEmpty() ? new String[0] : path.substring(1).split("/", -1);
        String vhost;
        String queue;
        if (segments.length == 1) {
            vhost = "/";
            queue = decode(segments[0]);
        } else if (segments.length == 2) {
            vhost = decode(segments[0]);
            queue = decode(segments[1]);
            if (vhost.isEmpty()) {
                throw new ConfigurationException("queue uri '" + shown + "': the virtual host segment is empty; write"
                        + " amqp://<host>/<queue> for the default vhost '/', or amqp://<host>/%2F/<queue>");
            }
        } else {
            throw new ConfigurationException("queue uri '" + shown + "' names no queue, or too many path segments;"
                    + " write amqp://<host>[:port]/<queue> or amqp://<host>[:port]/<vhost>/<queue> (a '/' inside a"
                    + " vhost name is written %2F)");
        }
        if (queue.isEmpty() || queue.startsWith("amq.") || queue.length() > 200
                || queue.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new ConfigurationException("queue uri '" + shown + "': '" + queue + "' is not a queue name Sluice"
                    + " can use (1 to 200 characters, no control characters, not starting with 'amq.', which RabbitMQ"
                    + " reserves; the retry queues add up to 20 characters to it)");
        }
        Map<String, String> params = UriParameters.parse(original, PARAMETERS);
        int heartbeat = seconds(params, "heartbeat", 30, shown);
        int timeout = seconds(params, "connectionTimeout", 10, shown);
        String user;
        String password;
        String info = original.getRawUserInfo();
        if (info != null) {
            int colon = info.indexOf(':');
            user = decode(colon < 0 ? info : info.substring(0, colon));
            password = colon < 0 ? blankToNull(context.env("RABBITMQ_PASSWORD")) : decode(info.substring(colon + 1));
            if (user.isEmpty()) {
                throw new ConfigurationException("queue uri '" + shown + "': the user name is empty");
            }
            if (password == null) {
                throw new ConfigurationException("queue uri '" + shown + "' names user '" + user + "' but no password:"
                        + " set RABBITMQ_PASSWORD (or write it in the URI; the URI is then secret)");
            }
        } else {
            user = blankToNull(context.env("RABBITMQ_USERNAME"));
            password = blankToNull(context.env("RABBITMQ_PASSWORD"));
            if (user == null) {
                user = "guest";
                if (password == null) password = "guest";
            } else if (password == null) {
                throw new ConfigurationException("RABBITMQ_USERNAME is '" + user + "' but RABBITMQ_PASSWORD is not set"
                        + " (queue uri '" + shown + "')");
            }
        }
        return new RabbitAddress(shown, original, tls, host, port, vhost, queue, user, password, heartbeat, timeout);
    }

    /** The URI without its password (the user name stays: it says who connects). */
    static URI redacted(URI uri) {
        return URI.create(Redaction.uri(uri));
    }

    private static int seconds(Map<String, String> params, String name, int fallback, URI shown) {
        String v = params.get(name);
        if (v == null) return fallback;
        try {
            int n = Integer.parseInt(v);
            if (n < 0 || n > 3600) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw new ConfigurationException("queue uri '" + shown + "': " + name + " must be whole seconds from 0 to"
                    + " 3600, was '" + v + "'");
        }
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static String encode(String s) {
        try {
            return new URI(null, null, "/" + s, null).getRawPath().substring(1).replace("/", "%2F");
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
