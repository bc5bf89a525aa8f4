package dev.sluice.runtime.metrics;

import dev.sluice.QueueSpec;
import dev.sluice.core.Sluice;
import dev.sluice.observe.SluiceListener;
import dev.sluice.runtime.config.MetricsSettings;
import dev.sluice.worker.Worker;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A host's metrics endpoint, when there is one: the listener to register on the {@link Sluice} before it is built
 * (and a Guice module binding Micrometer's {@code MeterRegistry}, for handlers' own meters), then the server,
 * started once the queues are open, on its own port ({@code SLUICE_METRICS_PORT}: on Cloud Run a sidecar collector
 * scrapes it). This interface names no Micrometer type, so a host runs without Micrometer on the class path;
 * {@link #open} decides whether there is an endpoint.
 */
public interface MetricsEndpoint extends AutoCloseable {
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

    /** Binds {@code io.micrometer.core.instrument.MeterRegistry} to the endpoint's registry. */
    com.google.inject.Module module();

    /**
     * Adds the depth gauges of {@code specs} and the slot gauges of {@code workers} (the poller's; none on Cloud Run),
     * and starts serving; returns the port it listens on.
     */
    int start(Sluice sluice, List<QueueSpec> specs, List<Worker> workers);

    @Override
    void close();
}
