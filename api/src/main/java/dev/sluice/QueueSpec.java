package dev.sluice;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * What a queue must be and how its messages are worked: where it is, where its dead letters go, how many
 * deliveries a message gets, how long to wait between them, how long a lease lasts, how many handlers run
 * at once, and which broker features it relies on. Immutable; build with {@link #builder(String)}.
 *
 * <p>A spec that asks for what the broker cannot do fails when a worker or publisher opens the queue, with
 * a message naming the broker and the limit, never at 3 a.m.
 *
 * @param uri                 the queue, e.g. {@code mem://orders}, {@code sqs://orders.fifo?region=eu-west-1}
 * @param deadLetterUri       the dead-letter queue, or null for the driver's default ({@code <name>-dlq})
 * @param maxDeliveryAttempts deliveries before a message is dead-lettered (the first delivery counts)
 * @param retryPolicy         delay before each redelivery after a failure
 * @param lease               how long a received message stays invisible to other consumers; renewed while
 *                            its handler runs
 * @param handlerTimeout      how long a handler may run: past it, its lease is no longer renewed, the handler
 *                            is interrupted and the attempt fails (a {@link HandlerTimeoutException})
 * @param concurrency         most handlers running at once
 * @param ordering            messages carry ordering keys and must be handled in order per key
 * @param deduplication       publishers set deduplication ids the broker must honour
 * @param delays              publishers set per-message delays
 * @param provisioning        whether to create the queue and its DLQ when missing
 * @param failOnMismatch      whether an existing queue that contradicts this spec stops the start-up (true)
 *                            or is only logged as a warning (false)
 */
public record QueueSpec(
        URI uri, URI deadLetterUri, int maxDeliveryAttempts, RetryPolicy retryPolicy, Duration lease,
        Duration handlerTimeout, int concurrency, boolean ordering, boolean deduplication, boolean delays, Provisioning provisioning,
        boolean failOnMismatch) {

    /** Whether the queue and its dead-letter queue are created when they do not exist. */
    public enum Provisioning {
        /** Create what is missing, verify what exists. */
        CREATE_IF_MISSING,
        /** Create nothing; verify what exists (infrastructure is owned by Terraform or the like). */
        VERIFY,
        /** Neither create nor read queue attributes (no permission to). */
        NONE
    }

    public QueueSpec {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(retryPolicy, "retryPolicy");
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(handlerTimeout, "handlerTimeout");
        Objects.requireNonNull(provisioning, "provisioning");
        if (uri.getScheme() == null) {
            throw new ConfigurationException("queue uri '" + uri + "' has no scheme; write e.g. mem://" + uri);
        }
        if (maxDeliveryAttempts < 1) {
            throw new ConfigurationException("maxDeliveryAttempts must be at least 1, was " + maxDeliveryAttempts);
        }
        if (concurrency < 1) {
            throw new ConfigurationException("concurrency must be at least 1, was " + concurrency);
        }
        if (lease.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new ConfigurationException("lease must be at least 1s, was " + lease);
        }
        if (handlerTimeout.compareTo(lease) < 0) {
            throw new ConfigurationException("handlerTimeout (" + handlerTimeout + ") must be at least the lease (" + lease + ")");
        }
    }

    /** A spec for {@code uri} with the defaults of {@code queue-defaults.properties}. */
    public static QueueSpec of(String uri) {
        return builder(uri).build();
    }

    public static Builder builder(String uri) {
        return new Builder(URI.create(uri));
    }

    public static Builder builder(URI uri) {
        return new Builder(uri);
    }

    /** A builder holding this spec's values. */
    public Builder toBuilder() {
        return new Builder(uri).deadLetterQueue(deadLetterUri).maxDeliveryAttempts(maxDeliveryAttempts)
                .retryPolicy(retryPolicy).lease(lease).handlerTimeout(handlerTimeout).concurrency(concurrency).ordering(ordering)
                .deduplication(deduplication).delays(delays).provisioning(provisioning).failOnMismatch(failOnMismatch);
    }

    /** Builder for {@link QueueSpec}. */
    public static final class Builder {
        private final URI uri;
        private URI deadLetterUri;
        private int maxDeliveryAttempts = QueueDefaults.INSTANCE.maxDeliveryAttempts();
        private RetryPolicy retryPolicy = QueueDefaults.INSTANCE.retryPolicy();
        private Duration lease = QueueDefaults.INSTANCE.lease();
        private Duration handlerTimeout;
        private int concurrency = QueueDefaults.INSTANCE.concurrency();
        private boolean ordering;
        private boolean deduplication;
        private boolean delays;
        private Provisioning provisioning = Provisioning.CREATE_IF_MISSING;
        private boolean failOnMismatch = true;

        private Builder(URI uri) {
            this.uri = Objects.requireNonNull(uri, "uri");
        }

        public Builder deadLetterQueue(String v) { return deadLetterQueue(v == null ? null : URI.create(v)); }
        public Builder deadLetterQueue(URI v) { deadLetterUri = v; return this; }
        public Builder maxDeliveryAttempts(int v) { maxDeliveryAttempts = v; return this; }
        public Builder retryPolicy(RetryPolicy v) { retryPolicy = v; return this; }
        public Builder lease(Duration v) { lease = v; return this; }
        /** How long a handler may run (default 15 minutes from {@code queue-defaults.properties}, or the lease if longer). */
        public Builder handlerTimeout(Duration v) { handlerTimeout = v; return this; }
        public Builder concurrency(int v) { concurrency = v; return this; }
        public Builder ordering(boolean v) { ordering = v; return this; }
        public Builder deduplication(boolean v) { deduplication = v; return this; }
        public Builder delays(boolean v) { delays = v; return this; }
        public Builder provisioning(Provisioning v) { provisioning = v; return this; }
        public Builder failOnMismatch(boolean v) { failOnMismatch = v; return this; }

        public QueueSpec build() {
            Duration timeout = handlerTimeout;
            if (timeout == null) {
                Duration byDefault = QueueDefaults.INSTANCE.handlerTimeout();
                timeout = lease != null && lease.compareTo(byDefault) > 0 ? lease : byDefault;
            }
            return new QueueSpec(uri, deadLetterUri, maxDeliveryAttempts, retryPolicy, lease, timeout, concurrency, ordering,
                    deduplication, delays, provisioning, failOnMismatch);
        }
    }
}
