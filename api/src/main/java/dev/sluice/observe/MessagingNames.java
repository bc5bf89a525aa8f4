package dev.sluice.observe;

import dev.sluice.Redaction;
import java.net.URI;
import java.util.Locale;

/**
 * The one mapping from a queue URI to the OpenTelemetry messaging attributes that name it, shared by metrics and
 * traces so both say the same: {@code messaging.system} and {@code messaging.destination.name}.
 */
public final class MessagingNames {
    private MessagingNames() {
    }

    /**
     * The OpenTelemetry {@code messaging.system} of a queue's scheme ({@code aws_sqs}, {@code gcp_pubsub},
     * {@code rabbitmq}, {@code kafka}, {@code redis}); the scheme itself where the conventions name none
     * ({@code mem}).
     */
    public static String system(URI queue) {
        String scheme = queue.getScheme() == null ? "unknown" : queue.getScheme().toLowerCase(Locale.ROOT);
        switch (scheme) {
            case "sqs":
                return "aws_sqs";
            case "pubsub":
                return "gcp_pubsub";
            case "amqp":
            case "amqps":
            case "rabbitmq":
                return "rabbitmq";
            default:
                return scheme;
        }
    }

    /**
     * The {@code messaging.destination.name}: the URI without scheme, user-info and query ({@code orders.fifo},
     * {@code projects/p/topics/t}).
     */
    public static String destination(URI queue) {
        String authority = queue.getRawAuthority() == null ? "" : queue.getRawAuthority();
        authority = authority.substring(authority.indexOf('@') + 1); // never a user or password in a tag
        String path = queue.getRawPath() == null ? "" : queue.getRawPath();
        String name = authority + path;
        return name.isEmpty() ? Redaction.uri(queue) : name;
    }
}
