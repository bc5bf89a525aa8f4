package dev.sluice.kafka;

import dev.sluice.ConfigurationException;
import dev.sluice.Redaction;
import dev.sluice.spi.UriParameters;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Where a {@code kafka://} URI points: the bootstrap servers, the topic, the group and the mode. Parsing fails with
 * a {@link ConfigurationException} naming the part that is wrong.
 *
 * <p>{@code kafka://[user@]host[:port][,host[:port]...]/<topic>[?group=&mode=auto|share|consumer&partitions=&replication=]}
 * plus the connection's settings ({@link KafkaConnection}: {@code security.protocol}, {@code sasl.mechanism},
 * {@code ssl.*}, {@code passwordEnv}).
 *
 * @param uri         the URI as the user wrote it
 * @param connection  the bootstrap servers ({@code host:port,...}, default port 9092) and the security settings
 * @param topic       the topic, which is the queue
 * @param group       the share group or consumer group (default {@code sluice-<topic>}: one group per queue, since
 *                    a share group's lock duration and delivery limit are the group's)
 * @param mode        how the queue is consumed
 * @param partitions  partitions of a topic Sluice creates (default 1; more spreads load, and in consumer-group mode
 *                    is the most workers that share a queue)
 * @param replication replication factor of a topic Sluice creates, or -1 for the broker's default
 */
record KafkaAddress(URI uri, KafkaConnection connection, String topic, String group, Mode mode, int partitions, short replication) {
    static final int DEFAULT_PORT = 9092;
    static final String DLQ_SUFFIX = "-dlq";
    private static final List<String> PARAMETERS = java.util.stream.Stream.concat(
            Stream.of("group", "mode", "partitions", "replication", KafkaConnection.PASSWORD_ENV),
            KafkaConnection.CLIENT_PARAMETERS.stream()).toList();
    /** Kafka's topic names: 1 to 249 of letters, digits, '.', '_' and '-'. */
    private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,200}");
    private static final Pattern GROUP = Pattern.compile("[A-Za-z0-9._-]{1,249}");
    private static final Pattern HOST_PORT = Pattern.compile("\\[?[A-Za-z0-9.:-]+]?(:[0-9]{1,5})?");

    /** How a queue is consumed. */
    enum Mode {
        /** A share group (KIP-932) when the broker has them, else a consumer group; decided at first use. */
        AUTO,
        /** A share group: per-record acknowledge, release, reject; no order. Refused when the broker has none. */
        SHARE,
        /** A consumer group: per-partition order, commits below the lowest unfinished offset. */
        CONSUMER
    }

    /** {@code host:port,...}: the clients' {@code bootstrap.servers}. */
    String bootstrap() {
        return connection.bootstrap();
    }

    /** A description for messages: the broker, the topic, the group, the servers (and how they are reached). */
    String describe() {
        return "Kafka topic '" + topic + "' (group '" + group + "' on " + connection.describe() + ")";
    }

    /**
     * {@code kafka://[user@]<servers>/<topic>-dlq?mode=consumer} and the connection's settings: dead letters are read
     * back in order, and peeking releases nothing.
     */
    URI defaultDeadLetterUri() {
        return URI.create("kafka://" + connection.userInfo() + bootstrap() + "/" + topic + DLQ_SUFFIX + "?mode=consumer"
                + connection.query());
    }

    /** Another topic on the same cluster, with this address's group, mode and sizes. */
    KafkaAddress withTopic(String other) {
        return new KafkaAddress(uri, connection, other, group, mode, partitions, replication);
    }

    /** Parses {@code uri}; secrets (the SASL password, TLS store passwords) come from {@code env}. */
    static KafkaAddress parse(URI uri, Function<String, String> env) {
        String shown = Redaction.uri(uri);
        if (!"kafka".equals(uri.getScheme())) {
            throw new ConfigurationException("'" + shown + "' is not a kafka:// URI");
        }
        Map<String, String> params = UriParameters.parse(uri, PARAMETERS);
        String authority = uri.getRawAuthority();
        if (authority == null || authority.isEmpty()) {
            throw new ConfigurationException("queue uri '" + shown + "' names no server; write kafka://host[:port]/<topic>");
        }
        String userInfo = null;
        if (authority.contains("@")) { // several servers make the authority registry-based: no getRawUserInfo
            userInfo = authority.substring(0, authority.lastIndexOf('@'));
            authority = authority.substring(authority.lastIndexOf('@') + 1);
        }
        List<String> servers = new ArrayList<>();
        for (String server : authority.split(",")) {
            if (!HOST_PORT.matcher(server).matches()) {
                throw new ConfigurationException("queue uri '" + shown + "': '" + server + "' is not host[:port]");
            }
            boolean hasPort = server.startsWith("[") ? server.contains("]:") : server.contains(":");
            servers.add(hasPort ? server : server + ":" + DEFAULT_PORT);
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        String topic = path.startsWith("/") ? path.substring(1) : path;
        if (topic.isEmpty()) {
            throw new ConfigurationException("queue uri '" + shown + "' names no topic; write kafka://" + authority + "/<topic>");
        }
        if (!TOPIC.matcher(topic).matches() || ".".equals(topic) || "..".equals(topic)) {
            throw new ConfigurationException("queue uri '" + shown + "': '" + topic + "' is not a topic name (1 to 200"
                    + " letters, digits, '.', '-' or '_')");
        }
        String group = params.getOrDefault("group", "sluice-" + topic);
        if (!GROUP.matcher(group).matches()) {
            throw new ConfigurationException("queue uri '" + shown + "': group '" + group + "' is not a group id (1 to 249"
                    + " letters, digits, '.', '-' or '_')");
        }
        Mode mode;
        try {
            mode = Mode.valueOf(params.getOrDefault("mode", "auto").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("queue uri '" + shown + "': mode must be auto, share or consumer, was '"
                    + params.get("mode") + "'");
        }
        int partitions = number(params, "partitions", 1, 1, 10_000, shown);
        short replication = (short) number(params, "replication", -1, 1, Short.MAX_VALUE, shown);
        KafkaConnection connection = KafkaConnection.of(String.join(",", servers), params, userInfo, env, shown);
        return new KafkaAddress(uri, connection, topic, group, mode, partitions, replication);
    }

    private static int number(Map<String, String> params, String name, int otherwise, int min, int max, String shown) {
        String v = params.get(name);
        if (v == null) return otherwise;
        int n;
        try {
            n = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            n = min - 1;
        }
        if (n < min || n > max) {
            throw new ConfigurationException("queue uri '" + shown + "': " + name + " must be a number from " + min + " to "
                    + max + ", was '" + v + "'");
        }
        return n;
    }
}
