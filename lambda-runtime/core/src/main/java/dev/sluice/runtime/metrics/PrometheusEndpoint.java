package dev.sluice.runtime.metrics;

import com.sun.net.httpserver.HttpServer;
import dev.sluice.QueueSpec;
import dev.sluice.core.Sluice;
import dev.sluice.micrometer.QueueDepthGauges;
import dev.sluice.micrometer.SluiceMetrics;
import dev.sluice.micrometer.WorkerGauges;
import dev.sluice.observe.SluiceListener;
import dev.sluice.runtime.config.MetricsSettings;
import dev.sluice.worker.Worker;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Prometheus text at {@code settings.path()}, from a {@link PrometheusMeterRegistry} fed by {@link SluiceMetrics} and
 * the queues' {@link QueueDepthGauges} and the poller's {@link WorkerGauges}; served by the JDK's HTTP server on one daemon thread.
 */
final class PrometheusEndpoint implements MetricsEndpoint {
    private final MetricsSettings settings;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final SluiceMetrics metrics = SluiceMetrics.of(registry);
    private HttpServer server;
    private ExecutorService executor;

    private PrometheusEndpoint(MetricsSettings settings) {
        this.settings = settings;
    }

    static MetricsEndpoint create(MetricsSettings settings) {
        return new PrometheusEndpoint(settings);
    }

    @Override
    public SluiceListener listener() {
        return metrics;
    }

    @Override
    public com.google.inject.Module module() {
        return binder -> binder.bind(io.micrometer.core.instrument.MeterRegistry.class).toInstance(registry);
    }

    @Override
    public synchronized int start(Sluice sluice, List<QueueSpec> specs, List<Worker> workers) {
        for (QueueSpec spec : specs) QueueDepthGauges.register(registry, sluice, spec, settings.depthInterval());
        for (Worker worker : workers) WorkerGauges.register(registry, worker);
        try {
            server = HttpServer.create(new InetSocketAddress(settings.host(), settings.port()), 16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve metrics on " + settings.host() + ":" + settings.port()
                    + " (SLUICE_METRICS_HOST, SLUICE_METRICS_PORT; SLUICE_METRICS=off turns the endpoint off)", e);
        }
        executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "sluice-metrics");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext(settings.path(), exchange -> {
            try (exchange) {
                if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
                    exchange.sendResponseHeaders(405, -1);
                    return;
                }
                byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        server.start();
        int port = server.getAddress().getPort();
        log.info("serving Prometheus metrics on http://{}:{}{}", settings.host(), port, settings.path());
        return port;
    }

    @Override
    public synchronized void close() {
        if (server != null) server.stop(0);
        if (executor != null) executor.shutdownNow();
        registry.close();
    }
}
