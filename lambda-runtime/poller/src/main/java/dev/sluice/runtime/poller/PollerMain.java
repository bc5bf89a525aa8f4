package dev.sluice.runtime.poller;

import com.google.inject.Module;
import dev.sluice.Interceptor;
import dev.sluice.Router;
import dev.sluice.core.Sluice;
import dev.sluice.runtime.config.QueueConfig;
import dev.sluice.runtime.config.RuntimeConfig;
import dev.sluice.runtime.inject.SluiceRuntime;
import dev.sluice.runtime.metrics.MetricsEndpoint;
import dev.sluice.worker.Worker;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standalone host, for containers, VMs and local runs: a {@link Worker} per configured queue, all on
 * the one runtime, until SIGTERM (or Ctrl-C), when each worker drains (stops receiving, lets running
 * handlers finish, flushes acks) before the process exits. Run
 * {@code java -cp ... dev.sluice.runtime.poller.PollerMain}. With {@code sluice-micrometer} and Micrometer's
 * Prometheus registry on the class path it serves Prometheus metrics ({@code SLUICE_METRICS_*}), queue depth gauges
 * included. With {@code sluice-console} on the class path and {@code SLUICE_CONSOLE=on} it serves the web console
 * ({@code SLUICE_CONSOLE_*}) on the configured queues.
 */
public final class PollerMain implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PollerMain.class);

    private final SluiceRuntime runtime;
    private final List<Worker> workers = new ArrayList<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private MetricsEndpoint metrics;
    private int metricsPort = -1;
    private AutoCloseable console;
    private int consolePort = -1;

    private PollerMain(SluiceRuntime runtime) {
        this.runtime = runtime;
    }

    public static void main(String[] args) throws InterruptedException {
        PollerMain poller = start(RuntimeConfig.load(), Sluice.builder(), List.of());
        Runtime.getRuntime().addShutdownHook(new Thread(poller::close, "sluice-drain"));
        poller.stopped.await();
    }

    /**
     * Starts the runtime from {@code config} (with a prepared builder and extra modules, as
     * {@link SluiceRuntime#start(RuntimeConfig, Sluice.Builder, List)}), a worker on every queue, and the metrics
     * endpoint when the settings and the class path allow.
     */
    public static PollerMain start(RuntimeConfig config, Sluice.Builder builder, List<Module> extraModules) {
        Optional<MetricsEndpoint> metrics = MetricsEndpoint.open(config.metrics());
        metrics.ifPresent(m -> builder.listener(m.listener()));
        List<Module> modules = new ArrayList<>(extraModules);
        metrics.ifPresent(m -> modules.add(m.module()));
        SluiceRuntime runtime;
        try {
            runtime = SluiceRuntime.start(config, builder, modules);
        } catch (RuntimeException e) {
            metrics.ifPresent(MetricsEndpoint::close);
            throw e;
        }
        PollerMain poller = start(runtime);
        if (metrics.isPresent()) {
            poller.metrics = metrics.get();
            try {
                poller.metricsPort = poller.metrics.start(runtime.sluice(),
                        config.queues().stream().map(QueueConfig::spec).toList(), List.copyOf(poller.workers));
            } catch (RuntimeException e) {
                poller.close();
                throw e;
            }
        }
        if (config.console().enabled()) {
            try {
                PollerConsole.Started started = PollerConsole.start(runtime.sluice(), config,
                        metrics.map(MetricsEndpoint::listener));
                poller.console = started.console();
                poller.consolePort = started.port();
            } catch (RuntimeException e) {
                poller.close();
                throw e;
            }
        }
        return poller;
    }

    /** The port the web console listens on, when it runs ({@code SLUICE_CONSOLE=on}). */
    public OptionalInt consolePort() {
        return consolePort < 0 ? OptionalInt.empty() : OptionalInt.of(consolePort);
    }

    /** The runtime the workers run on. */
    public SluiceRuntime runtime() {
        return runtime;
    }

    /** The port the metrics endpoint listens on, when it runs. */
    public OptionalInt metricsPort() {
        return metricsPort < 0 ? OptionalInt.empty() : OptionalInt.of(metricsPort);
    }

    /** Starts a worker on every queue of {@code runtime}, with its router and interceptors. */
    public static PollerMain start(SluiceRuntime runtime) {
        PollerMain poller = new PollerMain(runtime);
        Router router = runtime.router();
        List<Interceptor> interceptors = runtime.interceptors();
        try {
            for (QueueConfig q : runtime.config().queues()) {
                Worker.Builder b = runtime.sluice().worker(q.spec()).router(router)
                        .shutdownTimeout(runtime.config().shutdownTimeout());
                interceptors.forEach(b::interceptor);
                poller.workers.add(b.start());
            }
        } catch (RuntimeException e) {
            poller.close();
            throw e;
        }
        log.info("polling {}", runtime.pipelines().keySet());
        return poller;
    }

    /** Drains every worker, then closes the runtime. */
    @Override
    public synchronized void close() {
        if (stopped.getCount() == 0) return;
        if (console != null) {
            try {
                console.close();
            } catch (Exception e) {
                log.warn("closing the console failed", e);
            }
        }
        workers.forEach(Worker::close);
        if (metrics != null) metrics.close();
        runtime.close();
        stopped.countDown();
        log.info("drained and stopped");
    }
}
