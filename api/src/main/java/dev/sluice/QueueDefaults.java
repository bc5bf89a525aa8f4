package dev.sluice;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Properties;

/** The defaults in {@code queue-defaults.properties}, the one source of truth the Terraform modules are checked against. */
record QueueDefaults(int maxDeliveryAttempts, Duration lease, Duration handlerTimeout, RetryPolicy retryPolicy,
                     int concurrency) {

    static final QueueDefaults INSTANCE = load();

    private static QueueDefaults load() {
        Properties p = new Properties();
        try (InputStream in = QueueDefaults.class.getResourceAsStream("queue-defaults.properties")) {
            if (in == null) throw new IllegalStateException("dev/sluice/queue-defaults.properties is missing from the class path");
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        RetryPolicy retry = new RetryPolicy(
                Duration.ofSeconds(Long.parseLong(p.getProperty("retry.initialDelaySeconds"))),
                Double.parseDouble(p.getProperty("retry.multiplier")),
                Duration.ofSeconds(Long.parseLong(p.getProperty("retry.maxDelaySeconds"))),
                Double.parseDouble(p.getProperty("retry.jitter")));
        return new QueueDefaults(
                Integer.parseInt(p.getProperty("maxDeliveryAttempts")),
                Duration.ofSeconds(Long.parseLong(p.getProperty("leaseSeconds"))),
                Duration.ofSeconds(Long.parseLong(p.getProperty("handlerTimeoutSeconds"))),
                retry,
                Integer.parseInt(p.getProperty("concurrency")));
    }
}
