package dev.sluice.runtime.config;

import java.util.Optional;

/**
 * How a host writes Sluice's own lines: besides the SLF4J lifecycle log, with {@code json} one JSON object per line
 * on standard output for each settled delivery ({@link dev.sluice.observe.JsonLogListener}), the shape Lambda's JSON
 * log format and Cloud Logging parse.
 *
 * @param json       {@code SLUICE_LOG_FORMAT=json} (default {@code text}: none)
 * @param gcpProject {@code SLUICE_LOG_GCP_PROJECT}: also write Cloud Logging's trace keys, which name the project
 */
public record LogSettings(boolean json, Optional<String> gcpProject) {
    public LogSettings {
        gcpProject = gcpProject == null ? Optional.empty() : gcpProject;
    }

    /** Text only. */
    public static LogSettings defaults() {
        return new LogSettings(false, Optional.empty());
    }
}
