package dev.sluice.kafka;

import dev.sluice.ConfigurationException;
import dev.sluice.Redaction;
import dev.sluice.spi.UriParameters;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Where a {@code kafka://} URI points: the bootstrap servers, the topic, the group and the mode. Parsing fails with
 * a {@link ConfigurationException} naming the part that is wrong.
 *
 * <p>{@code kafka://host[:port][,host[:port]...]/<topic>[?group=&mode=auto|share|consumer&partitions=&replication=]}
 *
 * @param uri         the URI as the user wrote it
 * @param bootstrap   {@code host:port,...}, the client's {@code bootstrap.servers} (default port 9092)
 * @param topic       the topic, which is the queue
 * @param group       the share group or consumer group (default {@code sluice-<topic>}: one group per queue, since
 *                    a share group's lock duration and delivery limit are the group's)
 * @param mode        how the queue is consumed
 * @param partitions  partitions of a topic Sluice creates (default 1; more spreads load, and in consumer-group mode
 *                    is the most workers that share a queue)
 * @param replication replication factor of a topic Sluice creates, or -1 for the broker's default
 */
record KafkaAddress(URI uri, String bootstrap, String topic, String group, Mode mode, int partitions, short replication) {
    static final int DEFAULT_PORT = 9092;
    static final String DLQ_SUFFIX = "-dlq";
    private static final List<String> PARAMETERS = List.of("group", "mode", "partitions", "replication");
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

    /** A description for messages: the broker, the topic, the group, the servers. */
    String describe() {
        return "Kafka topic '" + topic + "' (group '" + group + "' on " + bootstrap + ")";
    }

    /** {@code kafka://<servers>/<topic>-dlq?mode=consumer}: dead letters are read back in order, and peeking releases nothing. */
    URI defaultDeadLetterUri() {
        return URI.create("kafka://" + bootstrap + "/" + topic + DLQ_SUFFIX + "?mode=consumer");
    }

    /** Parses {@code uri}. */
    static KafkaAddress parse(URI uri) {
        String shown = Redaction.uri(uri);
        if (!"kafka".equals(uri.getScheme())) {
            throw new ConfigurationException("'" + shown + "' is not a kafka:// URI");
        }
        Map<String, String> params = UriParameters.parse(uri, PARAMETERS);
        String authority = uri.getRawAuthority();
        if (authority == null || authority.isEmpty()) {
            throw new ConfigurationException("queue uri '" + shown + "' names no server; write kafka://host[:port]/<topic>");
        }
        if (authority.contains("@")) {
            throw new ConfigurationException("queue uri '" + shown + "' has user-info; the kafka:// driver takes no"
                    + " credentials in the URI (plaintext listeners only, for now)");
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
        return new KafkaAddress(uri, String.join(",", servers), topic, group, mode, partitions, replication);
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
