package dev.sluice.runtime.config;

import dev.sluice.QueueSpec;
import dev.sluice.RetryPolicy;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/** Builds one queue's spec from its {@code SLUICE_QUEUE_<NAME>_*} settings; defaults are {@link QueueSpec}'s. */
final class QueueSettings {
    private final String name;
    private final String envKey;
    private final Values v;
    private final List<String> problems;

    QueueSettings(String name, String envKey, Values v, List<String> problems) {
        this.name = name;
        this.envKey = envKey;
        this.v = v;
        this.problems = problems;
    }

    private String var(Keys.Queue key) {
        return Keys.QUEUE_PREFIX + envKey + "_" + key.name();
    }

    /** The queue, or null when a problem was recorded. */
    QueueConfig build() {
        int before = problems.size();
        URI uri = v.uri(var(Keys.Queue.URI));
        URI dlq = v.uri(var(Keys.Queue.DLQ));
        QueueSpec defaults = QueueSpec.of("mem://defaults");
        int attempts = v.integer(var(Keys.Queue.MAX_DELIVERY_ATTEMPTS), defaults.maxDeliveryAttempts(), 1, 1000);
        Duration lease = v.duration(var(Keys.Queue.LEASE), defaults.lease());
        if (lease.compareTo(Duration.ofSeconds(1)) < 0) {
            problems.add(v.origin(var(Keys.Queue.LEASE)) + " is " + lease.toMillis() + "ms: a lease must be at least 1s");
        }
        Duration handlerTimeout = v.duration(var(Keys.Queue.HANDLER_TIMEOUT),
                lease.compareTo(defaults.handlerTimeout()) > 0 ? lease : defaults.handlerTimeout());
        if (handlerTimeout.compareTo(lease) < 0) {
            problems.add(v.origin(var(Keys.Queue.HANDLER_TIMEOUT)) + " is " + handlerTimeout.toSeconds() + "s: a handler"
                    + " timeout must be at least the lease (" + lease.toSeconds() + "s)");
        }
        int concurrency = v.integer(var(Keys.Queue.CONCURRENCY), defaults.concurrency(), 1, 10_000);
        boolean ordering = v.bool(var(Keys.Queue.ORDERING), false);
        boolean encrypted = v.bool(var(Keys.Queue.ENCRYPTED), false);
        String provisioning = v.choice(var(Keys.Queue.PROVISIONING), "create", List.of("create", "verify", "none"));
        RetryPolicy retry = retry(defaults.retryPolicy());
        if (problems.size() > before || uri == null) return null;
        if (dlq != null && !dlq.getScheme().equals(uri.getScheme())) {
            problems.add(v.origin(var(Keys.Queue.DLQ)) + " is " + dlq + " but the queue is " + uri
                    + ": a dead-letter queue must be on the same broker (scheme " + uri.getScheme() + ")");
            return null;
        }
        QueueSpec spec = QueueSpec.builder(uri).deadLetterQueue(dlq).maxDeliveryAttempts(attempts).lease(lease)
                .handlerTimeout(handlerTimeout)
                .concurrency(concurrency).ordering(ordering).retryPolicy(retry)
                .provisioning(switch (provisioning) {
                    case "verify" -> QueueSpec.Provisioning.VERIFY;
                    case "none" -> QueueSpec.Provisioning.NONE;
                    default -> QueueSpec.Provisioning.CREATE_IF_MISSING;
                }).build();
        return new QueueConfig(name, envKey, spec, encrypted);
    }

    private RetryPolicy retry(RetryPolicy defaults) {
        String strategy = v.choice(var(Keys.Queue.RETRY), "exponential", List.of("exponential", "fixed", "none"));
        Duration initial = v.duration(var(Keys.Queue.RETRY_INITIAL_DELAY), defaults.initialDelay());
        Duration max = v.duration(var(Keys.Queue.RETRY_MAX_DELAY), defaults.maxDelay());
        double multiplier = v.decimal(var(Keys.Queue.RETRY_MULTIPLIER), defaults.multiplier(), 1.0, 100.0);
        double jitter = v.decimal(var(Keys.Queue.RETRY_JITTER), defaults.jitter(), 0.0, 1.0);
        switch (strategy) {
            case "none":
                return RetryPolicy.immediate();
            case "fixed":
                return RetryPolicy.fixed(initial);
            default:
                if (max.compareTo(initial) < 0) {
                    String maxOrigin = v.has(var(Keys.Queue.RETRY_MAX_DELAY)) ? v.origin(var(Keys.Queue.RETRY_MAX_DELAY))
                            : "the default retry max delay";
                    problems.add(maxOrigin + " (" + max + ") is shorter than " + v.origin(var(Keys.Queue.RETRY_INITIAL_DELAY))
                            + " (" + initial + "): raise the max delay or lower the initial delay");
                    return defaults;
                }
                return new RetryPolicy(initial, multiplier, max, jitter);
        }
    }
}
