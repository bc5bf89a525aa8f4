package dev.sluice.samples;

import dev.sluice.ConfigurationException;
import dev.sluice.QueueSpec;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Function;

/**
 * Where a sample's queue is, from configuration: the same names the function runtime and the Terraform
 * modules use, so one set of values configures a sample's main, a Lambda function and a Cloud Run service.
 *
 * <table>
 *   <caption>settings of the queue {@code welcome-email}</caption>
 *   <tr><th>system property</th><th>environment variable</th><th>default</th></tr>
 *   <tr><td>{@code sluice.queue.welcome-email.uri}</td><td>{@code SLUICE_QUEUE_WELCOME_EMAIL_URI}</td><td>{@code mem://welcome-email}</td></tr>
 *   <tr><td>{@code sluice.queue.welcome-email.dlq}</td><td>{@code SLUICE_QUEUE_WELCOME_EMAIL_DLQ}</td><td>the driver's default</td></tr>
 *   <tr><td>{@code sluice.queue.welcome-email.max-delivery-attempts}</td><td>{@code SLUICE_QUEUE_WELCOME_EMAIL_MAX_DELIVERY_ATTEMPTS}</td><td>the sample's value</td></tr>
 *   <tr><td>{@code sluice.queue.welcome-email.concurrency}</td><td>{@code SLUICE_QUEUE_WELCOME_EMAIL_CONCURRENCY}</td><td>the sample's value</td></tr>
 *   <tr><td>{@code sluice.queue.welcome-email.lease}</td><td>{@code SLUICE_QUEUE_WELCOME_EMAIL_LEASE}</td><td>the sample's value; seconds, {@code 60s} or {@code 60}</td></tr>
 * </table>
 *
 * A system property wins over the environment variable.
 */
public final class SampleQueues {
    private final Function<String, String> properties;
    private final Function<String, String> environment;

    private SampleQueues(Function<String, String> properties, Function<String, String> environment) {
        this.properties = properties;
        this.environment = environment;
    }

    /** Reads system properties, then the environment. */
    public static SampleQueues fromSystem() {
        return new SampleQueues(System::getProperty, System::getenv);
    }

    /** Reads the given lookups (tests). */
    public static SampleQueues from(Function<String, String> properties, Function<String, String> environment) {
        return new SampleQueues(properties, environment);
    }

    /**
     * The sample's spec for queue {@code name}, with the configured URI, dead-letter queue, attempts,
     * concurrency and lease put over the sample's own choices in {@code sample}.
     *
     * @param name   the logical name, e.g. {@code welcome-email}
     * @param sample the sample's spec on {@code mem://<name>}
     */
    public QueueSpec spec(String name, QueueSpec sample) {
        QueueSpec.Builder b = QueueSpec.builder(get(name, "uri", "mem://" + name)).retryPolicy(sample.retryPolicy())
                .lease(sample.lease()).maxDeliveryAttempts(sample.maxDeliveryAttempts()).concurrency(sample.concurrency())
                .ordering(sample.ordering()).deduplication(sample.deduplication()).delays(sample.delays());
        String dlq = get(name, "dlq", null);
        if (dlq != null) b.deadLetterQueue(dlq);
        String attempts = get(name, "max-delivery-attempts", null);
        if (attempts != null) b.maxDeliveryAttempts(integer(name, "max-delivery-attempts", attempts));
        String concurrency = get(name, "concurrency", null);
        if (concurrency != null) b.concurrency(integer(name, "concurrency", concurrency));
        String lease = get(name, "lease", null);
        if (lease != null) b.lease(Duration.ofSeconds(integer(name, "lease", lease.endsWith("s") ? lease.substring(0, lease.length() - 1) : lease)));
        return b.build();
    }

    /** The value of {@code key} for queue {@code name}, or {@code fallback}. */
    public String get(String name, String key, String fallback) {
        String property = properties.apply("sluice.queue." + name + "." + key);
        if (property != null && !property.isBlank()) return property.trim();
        String variable = environment.apply(variable(name, key));
        if (variable != null && !variable.isBlank()) return variable.trim();
        return fallback;
    }

    /** {@code ("welcome-email", "uri")} → {@code SLUICE_QUEUE_WELCOME_EMAIL_URI}. */
    public static String variable(String name, String key) {
        return "SLUICE_QUEUE_" + (name + "_" + key).toUpperCase(Locale.ROOT).replace('-', '_').replace('.', '_');
    }

    private static int integer(String name, String key, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new ConfigurationException("sluice.queue." + name + "." + key + " / " + variable(name, key)
                    + " must be a whole number, was '" + value + "'");
        }
    }
}
