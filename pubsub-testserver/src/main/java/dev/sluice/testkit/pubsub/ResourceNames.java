package dev.sluice.testkit.pubsub;

import java.util.regex.Pattern;

/**
 * Checks {@code projects/P/topics/T} and {@code projects/P/subscriptions/S} as the service does: the id
 * starts with a letter, is 3 to 255 characters of letters, digits and {@code - _ . ~ + %}, and does
 * not start with {@code goog}.
 */
final class ResourceNames {

    private static final Pattern ID = Pattern.compile("[A-Za-z][A-Za-z0-9\\-_.~+%]{2,254}");
    private static final Pattern PROJECT = Pattern.compile("projects/([^/]+)");

    private ResourceNames() {}

    /** Returns {@code name} when it is a valid topic name, else throws INVALID_ARGUMENT. */
    static String topic(String name) {
        return check(name, "topics");
    }

    /** Returns {@code name} when it is a valid subscription name, else throws INVALID_ARGUMENT. */
    static String subscription(String name) {
        return check(name, "subscriptions");
    }

    /** Returns {@code projects/P} when valid, else throws INVALID_ARGUMENT. */
    static String project(String name) {
        if (!PROJECT.matcher(name).matches()) {
            throw Errors.invalid("Invalid project name: '" + name + "'. Expected projects/{project}.");
        }
        return name;
    }

    /** The project id of a valid topic or subscription name. */
    static String projectId(String name) {
        return name.split("/")[1];
    }

    /** The last segment of a valid topic or subscription name. */
    static String id(String name) {
        return name.substring(name.lastIndexOf('/') + 1);
    }

    /** The {@code projects/P} prefix of a valid topic or subscription name. */
    static String projectOf(String name) {
        return "projects/" + projectId(name);
    }

    private static String check(String name, String collection) {
        String[] parts = name.split("/", -1);
        boolean valid = parts.length == 4
                && parts[0].equals("projects") && !parts[1].isEmpty()
                && parts[2].equals(collection)
                && ID.matcher(parts[3]).matches()
                && !parts[3].startsWith("goog");
        if (!valid) {
            throw Errors.invalid("Invalid resource name given (name=" + name + "). Refer to "
                    + "https://cloud.google.com/pubsub/docs/pubsub-basics#resource_names for more information.");
        }
        return name;
    }
}
