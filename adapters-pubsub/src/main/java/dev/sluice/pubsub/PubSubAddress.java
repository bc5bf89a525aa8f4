package dev.sluice.pubsub;

import dev.sluice.ConfigurationException;
import dev.sluice.spi.UriParameters;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A {@code pubsub://projects/P/topics/T?subscription=S&endpoint=host:port} URI, parsed and checked.
 * Every error names the part of the URI that is wrong and shows the expected form.
 *
 * @param uri          the URI as written
 * @param project      the project id
 * @param topic        the topic id
 * @param subscription the subscription id, or null for a publisher-only URI
 * @param endpoint     {@code host:port} of an emulator or test server reached in plaintext, or null
 */
record PubSubAddress(URI uri, String project, String topic, String subscription, String endpoint) {
    static final String FORM = "pubsub://projects/PROJECT/topics/TOPIC?subscription=SUBSCRIPTION";
    private static final List<String> PARAMETERS = List.of("subscription", "endpoint");
    /** Project ids: 6-30 lower-case letters, digits and hyphens (older ones may hold a domain prefix). */
    private static final Pattern PROJECT = Pattern.compile("[a-z0-9][a-z0-9.:-]{0,99}");
    /** Topic and subscription ids, as the service checks them. */
    private static final Pattern RESOURCE = Pattern.compile("[A-Za-z][A-Za-z0-9\\-_.~+%]{2,254}");

    static PubSubAddress parse(URI uri) {
        if (!"pubsub".equals(uri.getScheme())) {
            throw bad(uri, "the scheme must be 'pubsub'");
        }
        String path = (uri.getAuthority() == null ? "" : uri.getAuthority()) + (uri.getPath() == null ? "" : uri.getPath());
        while (path.startsWith("/")) path = path.substring(1);
        String[] parts = path.isEmpty() ? new String[0] : path.split("/", -1);
        if (parts.length < 2 || !"projects".equals(parts[0]) || parts[1].isEmpty()) {
            throw bad(uri, "the project is missing");
        }
        String project = parts[1];
        if (!PROJECT.matcher(project).matches()) {
            throw bad(uri, "project '" + project + "' is not a valid project id");
        }
        if (parts.length < 4 || !"topics".equals(parts[2]) || parts[3].isEmpty()) {
            throw bad(uri, "the topic is missing");
        }
        if (parts.length > 4) {
            throw bad(uri, "unexpected path after the topic: '/" + String.join("/", java.util.Arrays.copyOfRange(parts, 4, parts.length)) + "'");
        }
        String topic = checkId(uri, "topic", parts[3]);
        Map<String, String> query = UriParameters.parse(uri, PARAMETERS);
        String subscription = query.get("subscription");
        if (subscription != null) {
            String prefix = "projects/" + project + "/subscriptions/";
            if (subscription.startsWith("projects/")) {
                if (!subscription.startsWith(prefix)) {
                    throw bad(uri, "subscription '" + subscription + "' is in another project; give its id, or "
                            + prefix + "ID");
                }
                subscription = subscription.substring(prefix.length());
            }
            if (subscription.isEmpty()) throw bad(uri, "the subscription is empty");
            checkId(uri, "subscription", subscription);
        }
        String endpoint = query.get("endpoint");
        if (endpoint != null && (endpoint.isBlank() || endpoint.contains("/"))) {
            throw bad(uri, "endpoint '" + endpoint + "' must be host:port");
        }
        return new PubSubAddress(uri, project, topic, subscription, endpoint);
    }

    String topicName() {
        return "projects/" + project + "/topics/" + topic;
    }

    /** The full subscription name; fails clearly when this URI names none. */
    String subscriptionName() {
        if (subscription == null) {
            throw new ConfigurationException("pubsub URI '" + uri + "' names no subscription, so it can publish but not"
                    + " receive; add ?subscription=SUBSCRIPTION (" + FORM + ")");
        }
        return "projects/" + project + "/subscriptions/" + subscription;
    }

    private static String checkId(URI uri, String part, String id) {
        if (!RESOURCE.matcher(id).matches() || id.startsWith("goog")) {
            throw bad(uri, part + " '" + id + "' is not a valid Pub/Sub id (3-255 characters of letters, digits and"
                    + " - _ . ~ + %, starting with a letter, not with 'goog')");
        }
        return id;
    }

    private static ConfigurationException bad(URI uri, String problem) {
        return new ConfigurationException("pubsub URI '" + uri + "': " + problem + "; write " + FORM);
    }
}
