package dev.sluice.runtime.cloudrun;

import dev.sluice.ConfigurationException;
import dev.sluice.core.Sluice;
import dev.sluice.runtime.config.HttpSettings;
import dev.sluice.runtime.config.QueueConfig;
import dev.sluice.runtime.config.RuntimeConfig;
import dev.sluice.runtime.inject.SluiceRuntime;
import dev.sluice.runtime.metrics.MetricsEndpoint;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Cloud Run host: an HTTP server on {@code $PORT} (Jetty 12, one plain handler, no servlets) taking
 * Pub/Sub push requests, CloudEvents and Eventarc events on {@code POST /}, and answering
 * {@code GET /healthz}. Jetty parses request lines and headers on non-blocking I/O, so a connection that
 * stalls mid-request holds no handler thread; it is closed after {@code SLUICE_HTTP_IDLE_TIMEOUT}. Headers
 * over {@code SLUICE_HTTP_MAX_HEADER_BYTES} are answered 431, bodies over {@code SLUICE_HTTP_MAX_BODY_BYTES}
 * 413; handlers run on a pool of {@code SLUICE_HTTP_MAX_THREADS}.
 *
 * <p>Push requests must be authenticated ({@code SLUICE_PUSH_AUDIENCE} and {@code SLUICE_PUSH_SERVICE_ACCOUNT})
 * unless {@code SLUICE_PUSH_AUTH=none} says otherwise: the server refuses to start with neither.
 *
 * <p>On SIGTERM it stops accepting connections, answers new requests 503, lets those in flight finish (up to
 * {@code SLUICE_SHUTDOWN_TIMEOUT}), then stops and closes the runtime.
 * Run {@code java -cp ... dev.sluice.runtime.cloudrun.CloudRunServer}.
 */
public final class CloudRunServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CloudRunServer.class);

    private final SluiceRuntime runtime;
    private final Server server;
    private final ServerConnector connector;
    private final OidcVerifier verifier;
    private final Drain drain = new Drain();
    private boolean closed;
    private volatile MetricsEndpoint metrics;

    private CloudRunServer(SluiceRuntime runtime, InetSocketAddress address, Clock clock) {
        this.runtime = runtime;
        RuntimeConfig config = runtime.config();
        checkPushAuth(config);
        HttpSettings http = config.http();
        this.verifier = config.pushAuth().map(a -> new OidcVerifier(a, clock)).orElse(null);

        QueuedThreadPool threads = new QueuedThreadPool(http.maxThreads(), Math.min(4, http.maxThreads()));
        threads.setName("sluice-http");
        threads.setReservedThreads(0);
        this.server = new Server(threads);
        // in-flight requests are drained by Drain before stop(); stop() then closes what is left at once
        server.setStopTimeout(0);

        HttpConfiguration httpConfig = new HttpConfiguration();
        httpConfig.setRequestHeaderSize(http.maxHeaderBytes());
        httpConfig.setSendServerVersion(false);
        httpConfig.setSendXPoweredBy(false);
        this.connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(httpConfig));
        connector.setHost(address.getAddress() == null || address.getAddress().isAnyLocalAddress() ? null
                : address.getAddress().getHostAddress());
        connector.setPort(address.getPort());
        connector.setIdleTimeout(http.idleTimeout().toMillis());
        server.addConnector(connector);
        server.setErrorHandler(new GenericErrors());
        server.setHandler(new PushHandler(new QueueChooser(runtime.pipelines()), verifier, config.maxBodyBytes(), drain, threads));
    }

    /**
     * Fails unless push requests are authenticated or explicitly not: a Cloud Run service reachable from the
     * internet must not run handlers for anyone who finds its URL.
     */
    static void checkPushAuth(RuntimeConfig config) {
        if (config.pushAuth().isPresent()) return;
        if (config.pushAuthOff()) {
            log.warn("SLUICE_PUSH_AUTH=none: push requests are NOT authenticated; anyone who can reach this service"
                    + " can run its handlers (keep it private: Cloud Run IAM with --no-allow-unauthenticated)");
            return;
        }
        throw new ConfigurationException("the Cloud Run host does not serve unauthenticated push requests: set"
                + " SLUICE_PUSH_AUDIENCE (the push subscription's OIDC audience) and SLUICE_PUSH_SERVICE_ACCOUNT (its"
                + " service account email) to verify the push token, or set SLUICE_PUSH_AUTH=none to accept requests"
                + " without authentication (only where something else authenticates them)");
    }

    /**
     * Builds the runtime from the environment and serves on {@code 0.0.0.0:$PORT} until SIGTERM; with
     * {@code sluice-micrometer} on the class path also Prometheus metrics on {@code SLUICE_METRICS_PORT} (for a
     * sidecar collector: Cloud Run exposes only {@code $PORT}).
     */
    public static void main(String[] args) {
        RuntimeConfig config = RuntimeConfig.load();
        checkPushAuth(config);
        Optional<MetricsEndpoint> metrics = MetricsEndpoint.open(config.metrics());
        Sluice.Builder builder = Sluice.builder();
        metrics.ifPresent(m -> builder.listener(m.listener()));
        SluiceRuntime runtime = SluiceRuntime.start(config, builder, metrics.map(m -> List.of(m.module())).orElse(List.of()));
        CloudRunServer server = start(runtime, new InetSocketAddress(config.port()), Clock.systemUTC());
        if (metrics.isPresent()) {
            server.metrics = metrics.get();
            try {
                metrics.get().start(runtime.sluice(), config.queues().stream().map(QueueConfig::spec).toList(), List.of());
            } catch (RuntimeException e) {
                server.close();
                throw e;
            }
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "sluice-drain"));
    }

    /**
     * Serves {@code runtime} on {@code address} (port 0: any free port). Closes the runtime when it cannot.
     *
     * @throws ConfigurationException when push authentication is neither configured nor turned off
     */
    public static CloudRunServer start(SluiceRuntime runtime, InetSocketAddress address, Clock clock) {
        CloudRunServer s = null;
        try {
            s = new CloudRunServer(runtime, address, clock);
            s.server.start();
            HttpSettings http = runtime.config().http();
            log.info("serving {} on port {}{}; {} threads, idle timeout {}, headers up to {} bytes, bodies up to {} bytes",
                    runtime.pipelines().keySet(), s.port(), runtime.config().pushAuth().isPresent() ? " (push tokens verified)"
                            : " (push requests NOT authenticated)", http.maxThreads(), http.idleTimeout(),
                    http.maxHeaderBytes(), runtime.config().maxBodyBytes());
            return s;
        } catch (Exception e) {
            if (s != null) s.stopQuietly();
            runtime.close();
            if (e instanceof RuntimeException r) throw r;
            throw new IllegalStateException("cannot listen on " + address + ": " + e.getMessage(), e);
        }
    }

    /** Requests being handled now. */
    int inFlight() {
        return drain.inFlight();
    }

    /** Whether {@link #close()} has begun draining. */
    boolean draining() {
        return drain.draining();
    }

    /** The server's thread pool size. */
    int maxThreads() {
        return ((QueuedThreadPool) server.getThreadPool()).getMaxThreads();
    }

    public int port() {
        return connector.getLocalPort();
    }

    /**
     * Drains: stops accepting connections, refuses new requests (503), waits for those in flight up to
     * {@code SLUICE_SHUTDOWN_TIMEOUT}, stops the server, closes the runtime.
     */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        try {
            drain.startDraining();
            connector.close();
            if (!drain.drain(runtime.config().shutdownTimeout())) {
                log.warn("requests still running after {}; their messages will be redelivered", runtime.config().shutdownTimeout());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            stopQuietly();
            if (metrics != null) metrics.close();
            runtime.close();
        }
        log.info("stopped");
    }

    private void stopQuietly() {
        try {
            server.stop();
        } catch (Exception e) {
            log.warn("stopping the HTTP server failed", e);
        }
        if (verifier != null) verifier.close();
    }
}
