package dev.sluice.redis;

import dev.sluice.ConfigurationException;
import dev.sluice.Redaction;
import dev.sluice.spi.DriverContext;
import dev.sluice.spi.UriParameters;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Where a {@code redis://} or {@code rediss://} URI points: the server, the credentials, the stream and the
 * consumer group. Parsing fails with a {@link dev.sluice.ConfigurationException} naming the part that is wrong;
 * the password never appears in a message or in {@link #toString()}.
 *
 * <p>{@code redis[s]://[user[:password]@]host[:port]/<queue>[?group=&database=&passwordEnv=&verifyPeer=]}
 *
 * @param uri        the URI as the user wrote it
 * @param server     host, port, TLS, database and credentials: the key clients are shared under
 * @param name       the queue name, which is the stream's key
 * @param group      the consumer group (default {@value #DEFAULT_GROUP})
 */
record RedisAddress(URI uri, Server server, String name, String group) {
    static final String DEFAULT_GROUP = "sluice";
    static final int DEFAULT_PORT = 6379;
    private static final List<String> PARAMETERS = List.of("group", "database", "passwordEnv", "verifyPeer");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,200}");
    private static final Pattern GROUP = Pattern.compile("[A-Za-z0-9._-]{1,100}");
    private static final Pattern ENV = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /**
     * One Redis server as a client sees it.
     *
     * @param host       host name or address
     * @param port       port
     * @param tls        {@code rediss://}
     * @param verifyPeer whether TLS checks the server's certificate (default true)
     * @param database   the logical database (default 0)
     * @param user       the ACL user, or null for the default user
     * @param password   the password, or null; never printed
     */
    record Server(String host, int port, boolean tls, boolean verifyPeer, int database, String user, String password) {
        /** For messages: where, as whom; never the password. */
        String describe() {
            return (tls ? "rediss://" : "redis://") + (user == null ? "" : user + "@") + host + ":" + port
                    + (database == 0 ? "" : " database " + database);
        }

        @Override
        public String toString() {
            return "Server[" + describe() + (password == null ? "" : ", password set") + "]";
        }
    }

    /** The sorted set of delayed messages (score: due time in ms, server clock). */
    String delayedKey() {
        return name + ":sluice:delayed";
    }

    /** The sorted set of leases extended past the queue's lease (score: deadline in ms). */
    String leasesKey() {
        return name + ":sluice:leases";
    }

    /** The key that remembers a deduplication id for the window. */
    String dedupKey(String deduplicationId) {
        return name + ":sluice:dedup:" + deduplicationId;
    }

    /** A description for messages: the broker, the stream, the group, the server; never the password. */
    String describe() {
        return "Redis Streams queue '" + name + "' (group '" + group + "' on " + server.describe() + ")";
    }

    /** {@code <scheme>://[user[:password]@]host:port/<name>-dlq} with the same parameters. */
    URI defaultDeadLetterUri() {
        String raw = uri.toString();
        int q = raw.indexOf('?');
        String base = q < 0 ? raw : raw.substring(0, q);
        String query = q < 0 ? "" : raw.substring(q);
        return URI.create(base + "-dlq" + query);
    }

    @Override
    public String toString() {
        return "RedisAddress[" + describe() + "]";
    }

    /** Parses {@code uri}; {@code passwordEnv=NAME} reads the password from the environment. */
    static RedisAddress parse(URI uri, DriverContext context) {
        String scheme = uri.getScheme();
        if (!"redis".equals(scheme) && !"rediss".equals(scheme)) {
            throw new ConfigurationException("'" + redacted(uri) + "' is not a redis:// or rediss:// URI");
        }
        String shown = redacted(uri);
        Map<String, String> params = UriParameters.parse(uri, PARAMETERS);
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new ConfigurationException("queue uri '" + shown + "' names no server; write " + scheme
                    + "://[user:password@]host[:port]/<queue-name>");
        }
        int port = uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort();
        String path = uri.getPath() == null ? "" : uri.getPath();
        String name = path.startsWith("/") ? path.substring(1) : path;
        if (name.isEmpty()) {
            throw new ConfigurationException("queue uri '" + shown + "' names no queue; write " + scheme + "://"
                    + host + ":" + port + "/<queue-name>");
        }
        if (!NAME.matcher(name).matches()) {
            throw new ConfigurationException("queue uri '" + shown + "': '" + name + "' is not a queue name (1 to 200"
                    + " letters, digits, '.', '-' or '_'; it is the stream's key)");
        }
        String group = params.getOrDefault("group", DEFAULT_GROUP);
        if (!GROUP.matcher(group).matches()) {
            throw new ConfigurationException("queue uri '" + shown + "': group '" + group + "' is not a consumer group"
                    + " name (1 to 100 letters, digits, '.', '-' or '_')");
        }
        int database = 0;
        if (params.containsKey("database")) {
            try {
                database = Integer.parseInt(params.get("database"));
            } catch (NumberFormatException e) {
                database = -1;
            }
            if (database < 0) {
                throw new ConfigurationException("queue uri '" + shown + "': database must be a number from 0, was '"
                        + params.get("database") + "'");
            }
        }
        boolean verifyPeer = true;
        if (params.containsKey("verifyPeer")) {
            String v = params.get("verifyPeer");
            if (!"true".equals(v) && !"false".equals(v)) {
                throw new ConfigurationException("queue uri '" + shown + "': verifyPeer must be true or false, was '" + v + "'");
            }
            if (!"rediss".equals(scheme)) {
                throw new ConfigurationException("queue uri '" + shown + "': verifyPeer is for TLS; write rediss://");
            }
            verifyPeer = Boolean.parseBoolean(v);
        }
        String user = null;
        String password = null;
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            String u = colon < 0 ? userInfo : userInfo.substring(0, colon);
            user = u.isEmpty() ? null : URLDecoder.decode(u, StandardCharsets.UTF_8);
            if (colon >= 0) password = URLDecoder.decode(userInfo.substring(colon + 1), StandardCharsets.UTF_8);
        }
        String env = params.get("passwordEnv");
        if (env != null) {
            if (password != null) {
                throw new ConfigurationException("queue uri '" + shown + "' gives a password twice (in the URI and"
                        + " passwordEnv=" + env + "); keep one");
            }
            if (!ENV.matcher(env).matches()) {
                throw new ConfigurationException("queue uri '" + shown + "': passwordEnv '" + env
                        + "' is not an environment variable name");
            }
            password = context.env(env);
            if (password == null) {
                throw new ConfigurationException("queue uri '" + shown + "': passwordEnv=" + env + " but the environment"
                        + " has no " + env);
            }
        }
        if (password != null && password.isEmpty()) password = null;
        Server server = new Server(host, port, "rediss".equals(scheme), verifyPeer, database, user, password);
        return new RedisAddress(uri, server, name, group);
    }

    /** The URI with its password replaced by {@code ***}, for messages. */
    static String redacted(URI uri) {
        return Redaction.uri(uri);
    }
}
