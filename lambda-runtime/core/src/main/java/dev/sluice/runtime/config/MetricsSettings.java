package dev.sluice.runtime.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The metrics endpoint a host serves when {@code sluice-micrometer} (and Micrometer's Prometheus registry) is on
 * the class path: Prometheus text at {@code http://host:port/path}.
 *
 * @param enabled       {@code SLUICE_METRICS}: {@code auto} (default: serve when the module is present) or {@code off}
 * @param host          {@code SLUICE_METRICS_HOST}: the address to listen on (default {@code 0.0.0.0})
 * @param port          {@code SLUICE_METRICS_PORT}: the port (default {@value #DEFAULT_PORT}; 0: any free port)
 * @param path          {@code SLUICE_METRICS_PATH}: the path (default {@code /metrics})
 * @param depthInterval {@code SLUICE_METRICS_DEPTH_INTERVAL}: the longest time between two queue depth reads from the
 *                      broker (default 10s)
 */
public record MetricsSettings(boolean enabled, String host, int port, String path, Duration depthInterval) {
    /** The port OpenTelemetry's Prometheus exporter uses by default. */
    public static final int DEFAULT_PORT = 9464;

    public MetricsSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(depthInterval, "depthInterval");
    }

    /** The defaults. */
    public static MetricsSettings defaults() {
        return new MetricsSettings(true, "0.0.0.0", DEFAULT_PORT, "/metrics", Duration.ofSeconds(10));
    }
}
