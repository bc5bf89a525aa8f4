package dev.sluice.cli;

import dev.sluice.QueueSpec;
import dev.sluice.Redaction;
import java.net.URI;

/**
 * A queue a command works on: a configured queue (by its logical name) or a URI given on the command line.
 *
 * @param name   the logical name, or null for a URI given as is
 * @param spec   its spec, with provisioning off (the CLI never creates or changes a queue)
 * @param broker the broker's name, for messages (e.g. {@code SQS})
 */
record QueueTarget(String name, QueueSpec spec, String broker) {

    URI uri() {
        return spec.uri();
    }

    /** How messages name it: the name and its redacted URI, or the redacted URI. */
    String describe() {
        String uri = Redaction.uri(spec.uri());
        return name == null ? "queue " + uri + " (" + broker + ")" : "queue '" + name + "' (" + uri + ", " + broker + ")";
    }

    /** The name, or the redacted URI: a table's first column. */
    String label() {
        return name != null ? name : Redaction.uri(spec.uri());
    }
}
