package dev.sluice.runtime.config;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Every setting, by its environment variable and its property name (the README's table is this file).
 * Queue settings are {@code SLUICE_QUEUE_<NAME>_<KEY>} and {@code sluice.queue.<name>.<key>}, where the
 * property key is the variable's key in lower case with hyphens: {@code RETRY_INITIAL_DELAY} is
 * {@code retry-initial-delay}.
 */
final class Keys {
    static final String QUEUE_PREFIX = "SLUICE_QUEUE_";
    static final String QUEUE_PROPERTY_PREFIX = "sluice.queue.";

    private Keys() {
    }

    /** Settings of the whole process. */
    enum Global {
        CONFIG_FILE("SLUICE_CONFIG_FILE", "sluice.config.file"),
        MODULES("SLUICE_MODULES", "sluice.modules"),
        PUSH_AUDIENCE("SLUICE_PUSH_AUDIENCE", "sluice.push.audience"),
        PUSH_SERVICE_ACCOUNT("SLUICE_PUSH_SERVICE_ACCOUNT", "sluice.push.service-account"),
        PUSH_JWKS_URL("SLUICE_PUSH_JWKS_URL", "sluice.push.jwks-url"),
        PUSH_AUTH("SLUICE_PUSH_AUTH", "sluice.push.auth"),
        PORT("PORT", "sluice.http.port"),
        HTTP_MAX_BODY("SLUICE_HTTP_MAX_BODY_BYTES", "sluice.http.max-body-bytes"),
        HTTP_IDLE_TIMEOUT("SLUICE_HTTP_IDLE_TIMEOUT", "sluice.http.idle-timeout"),
        HTTP_MAX_HEADER("SLUICE_HTTP_MAX_HEADER_BYTES", "sluice.http.max-header-bytes"),
        HTTP_MAX_THREADS("SLUICE_HTTP_MAX_THREADS", "sluice.http.max-threads"),
        SHUTDOWN_TIMEOUT("SLUICE_SHUTDOWN_TIMEOUT", "sluice.shutdown-timeout"),
        METRICS("SLUICE_METRICS", "sluice.metrics"),
        METRICS_HOST("SLUICE_METRICS_HOST", "sluice.metrics.host"),
        METRICS_PORT("SLUICE_METRICS_PORT", "sluice.metrics.port"),
        METRICS_PATH("SLUICE_METRICS_PATH", "sluice.metrics.path"),
        METRICS_DEPTH_INTERVAL("SLUICE_METRICS_DEPTH_INTERVAL", "sluice.metrics.depth-interval"),
        LOG_FORMAT("SLUICE_LOG_FORMAT", "sluice.log.format"),
        LOG_GCP_PROJECT("SLUICE_LOG_GCP_PROJECT", "sluice.log.gcp-project"),
        KEYRING("SLUICE_KEYRING", "sluice.keyring"),
        KMS_KEY("SLUICE_KMS_KEY", "sluice.kms-key"),
        CONSOLE("SLUICE_CONSOLE", "sluice.console"),
        CONSOLE_HOST("SLUICE_CONSOLE_HOST", "sluice.console.host"),
        CONSOLE_PORT("SLUICE_CONSOLE_PORT", "sluice.console.port"),
        CONSOLE_AUTH("SLUICE_CONSOLE_AUTH", "sluice.console.auth"),
        CONSOLE_VIEWER_TOKEN("SLUICE_CONSOLE_VIEWER_TOKEN", "sluice.console.viewer-token"),
        CONSOLE_OPERATOR_TOKEN("SLUICE_CONSOLE_OPERATOR_TOKEN", "sluice.console.operator-token"),
        CONSOLE_OIDC_ISSUER("SLUICE_CONSOLE_OIDC_ISSUER", "sluice.console.oidc.issuer"),
        CONSOLE_OIDC_AUDIENCE("SLUICE_CONSOLE_OIDC_AUDIENCE", "sluice.console.oidc.audience"),
        CONSOLE_OIDC_JWKS_URL("SLUICE_CONSOLE_OIDC_JWKS_URL", "sluice.console.oidc.jwks-url"),
        CONSOLE_OIDC_ROLE_CLAIM("SLUICE_CONSOLE_OIDC_ROLE_CLAIM", "sluice.console.oidc.role-claim"),
        CONSOLE_OIDC_OPERATORS("SLUICE_CONSOLE_OIDC_OPERATORS", "sluice.console.oidc.operators"),
        CONSOLE_OIDC_VIEWERS("SLUICE_CONSOLE_OIDC_VIEWERS", "sluice.console.oidc.viewers");

        final String env;
        final String property;

        Global(String env, String property) {
            this.env = env;
            this.property = property;
        }

        static Global byProperty(String property) {
            for (Global g : values()) if (g.property.equals(property)) return g;
            return null;
        }
    }

    /** Settings of one queue. */
    enum Queue {
        URI, DLQ, MAX_DELIVERY_ATTEMPTS, RETRY, RETRY_INITIAL_DELAY, RETRY_MAX_DELAY, RETRY_MULTIPLIER, RETRY_JITTER,
        LEASE, HANDLER_TIMEOUT, CONCURRENCY, ORDERING, PROVISIONING, ENCRYPTED;

        /** Longest first, so that {@code _RETRY_MAX_DELAY} is not read as {@code _RETRY}. */
        static final List<Queue> BY_LENGTH = Arrays.stream(values())
                .sorted(Comparator.comparingInt((Queue q) -> q.name().length()).reversed()).toList();

        String property() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        static Queue byProperty(String key) {
            for (Queue q : values()) if (q.property().equals(key)) return q;
            return null;
        }
    }

    /** {@code welcome-email} → {@code WELCOME_EMAIL}. */
    static String envName(String logicalName) {
        return logicalName.toUpperCase(Locale.ROOT).replace('-', '_').replace('.', '_');
    }
}
