package dev.sluice.runtime.config;

import dev.sluice.QueueSpec;
import java.util.Objects;

/**
 * One configured queue: its logical name and the spec its settings make.
 *
 * @param name   the logical name, e.g. {@code welcome-email}
 * @param envKey the name as it appears in variables, e.g. {@code WELCOME_EMAIL} in {@code SLUICE_QUEUE_WELCOME_EMAIL_URI}
 * @param spec      the queue spec built from the settings, with {@link QueueSpec}'s defaults for the rest
 * @param encrypted whether events published to it are encrypted ({@code SLUICE_QUEUE_<NAME>_ENCRYPTED})
 */
public record QueueConfig(String name, String envKey, QueueSpec spec, boolean encrypted) {
    public QueueConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(envKey, "envKey");
        Objects.requireNonNull(spec, "spec");
    }

    /** A queue whose events are not encrypted. */
    public QueueConfig(String name, String envKey, QueueSpec spec) {
        this(name, envKey, spec, false);
    }

    /** The variable that sets {@code key} of this queue, e.g. {@code SLUICE_QUEUE_WELCOME_EMAIL_URI} for {@code URI}. */
    public String variable(String key) {
        return "SLUICE_QUEUE_" + envKey + "_" + key;
    }
}
