package dev.sluice.runtime.config;

import dev.sluice.ConfigurationException;
import dev.sluice.crypto.KeyProvider;
import dev.sluice.crypto.LocalKeyring;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

/**
 * Everything the runtime reads from its environment, parsed and checked in one place. Immutable. Values
 * come from environment variables, then system properties, then a properties file (the first that sets a
 * key wins); what none sets takes {@link dev.sluice.QueueSpec}'s defaults. The module README has the table.
 *
 * @param modules         the application's Guice module classes ({@code SLUICE_MODULES})
 * @param queues          the queues, by logical name, sorted
 * @param pushAuth        OIDC verification of Pub/Sub push requests, when configured
 * @param port            the HTTP port of the Cloud Run host ({@code PORT}, default 8080)
 * @param maxBodyBytes    the largest HTTP request body the Cloud Run host accepts
 * @param shutdownTimeout how long a host waits for in-flight messages on SIGTERM
 * @param pushAuthOff     {@code SLUICE_PUSH_AUTH=none}: push requests are explicitly not authenticated (the Cloud
 *                        Run host refuses to start with neither this nor {@link #pushAuth()})
 * @param http            the Cloud Run host's other HTTP limits
 * @param metrics         the metrics endpoint ({@code SLUICE_METRICS_*})
 * @param logs            structured logs ({@code SLUICE_LOG_*})
 * @param keys            the key provider of encrypted payloads: the {@link LocalKeyring} of {@code SLUICE_KEYRING}
 *                        (shown by its key ids only), or empty
 * @param console         the web console ({@code SLUICE_CONSOLE_*})
 */
public record RuntimeConfig(List<String> modules, List<QueueConfig> queues, Optional<PushAuth> pushAuth, int port,
                            int maxBodyBytes, Duration shutdownTimeout, boolean pushAuthOff, HttpSettings http,
                            MetricsSettings metrics, LogSettings logs, Optional<KeyProvider> keys,
                            ConsoleSettings console) {
    /** Default {@link #maxBodyBytes()}: a 10 MB Pub/Sub message, base64-encoded in a push envelope, fits. */
    public static final int DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;

    public RuntimeConfig {
        modules = List.copyOf(modules);
        queues = List.copyOf(queues);
        Objects.requireNonNull(pushAuth, "pushAuth");
        Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(logs, "logs");
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(console, "console");
        if (pushAuthOff && pushAuth.isPresent()) {
            throw new IllegalArgumentException("push authentication cannot be both configured and turned off");
        }
    }

    /** Without the push-auth opt-out, with the default HTTP limits and metrics settings. */
    public RuntimeConfig(List<String> modules, List<QueueConfig> queues, Optional<PushAuth> pushAuth, int port,
                         int maxBodyBytes, Duration shutdownTimeout) {
        this(modules, queues, pushAuth, port, maxBodyBytes, shutdownTimeout, false,
                HttpSettings.defaults(queues.stream().mapToInt(q -> q.spec().concurrency()).max().orElse(8)),
                MetricsSettings.defaults(), LogSettings.defaults(), Optional.empty(), ConsoleSettings.defaults());
    }

    /** Reads the process environment and system properties (and the file they may name). */
    public static RuntimeConfig load() {
        return load(System.getenv(), System.getProperties());
    }

    /**
     * Reads {@code env} and {@code system}, and the properties file named by {@code SLUICE_CONFIG_FILE}
     * or {@code sluice.config.file}.
     *
     * @throws ConfigurationException listing every problem found, each naming the setting and what to change
     */
    public static RuntimeConfig load(Map<String, String> env, Properties system) {
        return ConfigParser.parse(env, system);
    }

    /**
     * Only the key provider of encrypted payloads ({@code SLUICE_KEYRING} or {@code SLUICE_KMS_KEY}, from the same
     * sources as {@link #load(Map, Properties)}), for a tool that decrypts but runs no queue; empty when neither is set.
     *
     * @throws ConfigurationException when a key setting is malformed, or both are set
     */
    public static Optional<KeyProvider> keyProvider(Map<String, String> env, Properties system) {
        return ConfigParser.keysOnly(env, system);
    }

    /** The queue named {@code name} (logical name, any case, hyphens or underscores). */
    public Optional<QueueConfig> queue(String name) {
        String key = Keys.envName(name);
        return queues.stream().filter(q -> q.envKey().equals(key)).findFirst();
    }
}
