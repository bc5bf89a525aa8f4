package dev.sluice.runtime.cloudrun;

import com.sun.net.httpserver.HttpServer;
import dev.sluice.runtime.config.RuntimeConfig;
import dev.sluice.runtime.inject.SluiceRuntime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Cloud Run host: an HTTP server on {@code $PORT} built on the JDK's own
 * {@code com.sun.net.httpserver.HttpServer} (no dependency, starts in milliseconds, a few hundred KB of
 * heap), taking Pub/Sub push requests, CloudEvents and Eventarc events on {@code POST /}, and answering
 * {@code GET /healthz}. On SIGTERM it stops admitting requests, lets those in flight finish (up to
 * {@code SLUICE_SHUTDOWN_TIMEOUT}), then closes. Run {@code java -cp ... dev.sluice.runtime.cloudrun.CloudRunServer}.
 */
public final class CloudRunServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CloudRunServer.class);

    private final SluiceRuntime runtime;
    private final HttpServer server;
    private final ExecutorService executor;
    private final Drain drain = new Drain();
    private boolean closed;

    private CloudRunServer(SluiceRuntime runtime, InetSocketAddress address, Clock clock) throws IOException {
        this.runtime = runtime;
        RuntimeConfig config = runtime.config();
        int threads = config.queues().stream().mapToInt(q -> q.spec().concurrency()).max().orElse(8);
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(threads, r -> new Thread(r, "sluice-http-" + n.incrementAndGet()));
        OidcVerifier verifier = config.pushAuth().map(a -> new OidcVerifier(a, clock)).orElse(null);
        this.server = HttpServer.create(address, 128);
        server.createContext("/", new PushHandler(new QueueChooser(runtime.pipelines()), verifier, config.maxBodyBytes(), drain));
        server.createContext("/healthz", exchange -> PushHandler.answer(exchange, 200, "ok"));
        server.setExecutor(executor);
    }

    /** Builds the runtime from the environment and serves on {@code 0.0.0.0:$PORT} until SIGTERM. */
    public static void main(String[] args) {
        SluiceRuntime runtime = SluiceRuntime.start();
        CloudRunServer server = start(runtime, new InetSocketAddress(runtime.config().port()), Clock.systemUTC());
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "sluice-drain"));
    }

    /** Serves {@code runtime} on {@code address} (port 0: any free port). */
    public static CloudRunServer start(SluiceRuntime runtime, InetSocketAddress address, Clock clock) {
        try {
            CloudRunServer s = new CloudRunServer(runtime, address, clock);
            s.server.start();
            log.info("serving {} on port {}{}", runtime.pipelines().keySet(), s.port(),
                    runtime.config().pushAuth().isPresent() ? " (push tokens verified)" : "");
            return s;
        } catch (IOException e) {
            runtime.close();
            throw new UncheckedIOException("cannot listen on " + address, e);
        }
    }

    /** Requests being handled now. */
    int inFlight() {
        return drain.inFlight();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Drains: refuses new requests (503), waits for those in flight, stops the server, closes the runtime. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        try {
            if (!drain.drain(runtime.config().shutdownTimeout())) {
                log.warn("requests still running after {}; their messages will be redelivered", runtime.config().shutdownTimeout());
            }
            server.stop(0);
            executor.shutdown();
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            runtime.close();
        }
        log.info("stopped");
    }
}
