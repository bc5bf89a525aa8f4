package dev.sluice.runtime.poller;

import dev.sluice.QueueSpec;
import dev.sluice.core.Sluice;
import dev.sluice.observe.SluiceListener;
import dev.sluice.runtime.config.MetricsSettings;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The poller's metrics endpoint, when there is one: the listener to register on the {@link Sluice} before it is
 * built, then the server, started once the queues are open. This interface names no Micrometer type, so the
 * poller runs without Micrometer on the class path; {@link #open} decides whether there is an endpoint.
 */
interface MetricsEndpoint extends AutoCloseable {
    Logger log = LoggerFactory.getLogger(MetricsEndpoint.class);
    /** The classes whose presence turns the endpoint on. */
    List<String> REQUIRED = List.of("dev.sluice.micrometer.SluiceMetrics",
            "io.micrometer.prometheusmetrics.PrometheusMeterRegistry");

    /** The endpoint {@code settings} ask for, if the class path has what it needs. */
    static Optional<MetricsEndpoint> open(MetricsSettings settings) {
        if (!settings.enabled()) return Optional.empty();
        ClassLoader loader = MetricsEndpoint.class.getClassLoader();
        for (String name : REQUIRED) {
            try {
                Class.forName(name, false, loader);
            } catch (ClassNotFoundException e) {
                log.info("no metrics endpoint: {} is not on the class path (add sluice-micrometer and"
                        + " micrometer-registry-prometheus to serve {})", name, settings.path());
                return Optional.empty();
            }
        }
        return Optional.of(PrometheusEndpoint.create(settings));
    }

    /** What records the metrics: register it on the {@code Sluice.Builder}. */
    SluiceListener listener();

    /** Adds the depth gauges of {@code specs} and starts serving; returns the port it listens on. */
    int start(Sluice sluice, List<QueueSpec> specs);

    @Override
    void close();
}
