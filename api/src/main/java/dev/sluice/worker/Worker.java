package dev.sluice.worker;

import dev.sluice.DataHandler;
import dev.sluice.EventHandler;
import dev.sluice.Interceptor;
import dev.sluice.Publisher;
import dev.sluice.QueueSpec;
import dev.sluice.Redaction;
import dev.sluice.Router;
import dev.sluice.Scheduler;
import dev.sluice.interceptor.LoggingInterceptor;
import dev.sluice.internal.BrokerRetry;
import dev.sluice.pipeline.Pipeline;
import dev.sluice.pipeline.Pipelines;
import dev.sluice.spi.QueueDriver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes one queue with at most {@link QueueSpec#concurrency()} handlers in flight. Made of separate
 * parts: receive loops (the message source), a dispatcher running the {@link Pipeline} on handler threads,
 * an acknowledger batching acks, and a lease keeper extending the leases of long handlers.
 *
 * <pre>{@code
 * try (Worker worker = sluice.worker(QueueSpec.of("mem://emails"))
 *         .on("send-welcome-email", Signup.class, (signup, delivery) -> mailer.send(signup))
 *         .start()) {
 *     ...
 * }
 * }</pre>
 *
 * <p>{@link #close()} stops receiving, releases messages received but not started for immediate
 * redelivery, lets running handlers finish within the shutdown timeout, and flushes acks.
 */
public final class Worker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Worker.class);

    private final QueueSpec spec;
    private final Duration shutdownTimeout;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final ExecutorService handlers;
    private final Acknowledger acknowledger;
    private final Dispatcher dispatcher;
    private final List<Thread> receivers = new ArrayList<>();
    private final List<ReceiveLoop> receiveLoops = new ArrayList<>();
    private final List<String> types;
    private volatile boolean closed;

    private Worker(QueueSpec spec, QueueDriver driver, Pipeline pipeline, Scheduler scheduler, Duration shutdownTimeout,
                   List<String> types) {
        this.spec = spec;
        this.types = types;
        this.shutdownTimeout = shutdownTimeout;
        String name = Redaction.uri(driver.uri());
        this.handlers = Executors.newFixedThreadPool(spec.concurrency(), threads("sluice-handler-" + name));
        this.acknowledger = new Acknowledger(driver, name, BrokerRetry.forCalls(scheduler), pipeline.listener());
        Semaphore permits = new Semaphore(spec.concurrency());
        this.dispatcher = new Dispatcher(driver, pipeline, handlers, permits, acknowledger, scheduler);
        int batch = driver.capabilities().maxBatchSize();
        int loops = (spec.concurrency() + batch - 1) / batch;
        ThreadFactory receiveThreads = threads("sluice-receive-" + name);
        BrokerRetry receiveRetry = new BrokerRetry(scheduler, Integer.MAX_VALUE, Duration.ofMillis(100),
                Duration.ofSeconds(10));
        for (int i = 0; i < loops; i++) {
            ReceiveLoop loop = new ReceiveLoop(driver, permits, dispatcher, stopped, spec.concurrency() / loops,
                    spec.lease(), receiveRetry, pipeline.listener());
            receiveLoops.add(loop);
            receivers.add(receiveThreads.newThread(loop));
        }
    }

    /**
     * A builder for a worker on {@code spec}'s queue whose pipeline comes from {@code pipelines};
     * {@code sluice.worker(spec)} is the usual way in.
     */
    public static Builder builder(Pipelines pipelines, QueueSpec spec) {
        return new Builder(pipelines, spec);
    }

    /** The queue's spec. */
    public QueueSpec spec() {
        return spec;
    }

    /**
     * Handler slots holding no message now: {@link QueueSpec#concurrency()} less the messages received and not yet
     * settled (running, or waiting behind an earlier message of their ordering key). A worker that stays at 0 is
     * saturated (more concurrency or more workers would take more); one that stays at its concurrency is idle. A
     * receive loop's outstanding long poll does not count as holding slots.
     */
    public int freeSlots() {
        return Math.max(0, spec.concurrency() - dispatcher.held());
    }

    /**
     * Whether this worker is consuming: every receive loop running and none failing now. A loop whose broker
     * calls fail keeps trying (with backoff) and reports the failure here, for a health check or an alert.
     */
    public Health health() {
        List<ReceiverHealth> loops = receiveLoops.stream().map(ReceiveLoop::health).toList();
        boolean ok = !closed && loops.stream().allMatch(l -> l.running() && l.consecutiveFailures() == 0);
        return new Health(ok, loops);
    }

    /**
     * A worker's health.
     *
     * @param healthy   every receive loop running and its last receive succeeded
     * @param receivers each receive loop's state
     */
    public record Health(boolean healthy, List<ReceiverHealth> receivers) {
        public Health {
            receivers = List.copyOf(receivers);
        }
    }

    /**
     * One receive loop's state.
     *
     * @param running             the loop is running (false only once the worker stopped)
     * @param consecutiveFailures receives that failed in a row, 0 after a success
     * @param lastFailure         the last receive failure, or null
     */
    public record ReceiverHealth(boolean running, int consecutiveFailures, String lastFailure) {
    }

    private Worker start() {
        acknowledger.start();
        receivers.forEach(Thread::start);
        // the bound types, so that a misspelt one (user.signedup) shows at start, not as dead letters later
        log.info("worker on {}: {} handler slots, handling {}", Redaction.uri(spec.uri()), spec.concurrency(), types);
        return this;
    }

    /**
     * Stops receiving, releases received-but-not-started messages, waits up to the shutdown timeout for
     * running handlers, then flushes acks. A handler still running after the timeout is interrupted and its
     * message, unacked, is redelivered when its lease ends.
     */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        stopped.countDown();
        receivers.forEach(Thread::interrupt);
        try {
            for (Thread t : receivers) t.join();
            dispatcher.releaseWaiting();
            handlers.shutdown();
            if (!handlers.awaitTermination(shutdownTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("handlers on {} still running after {}; interrupting them (their messages will be redelivered)",
                        Redaction.uri(spec.uri()), shutdownTimeout);
                handlers.shutdownNow();
                handlers.awaitTermination(shutdownTimeout.toMillis(), TimeUnit.MILLISECONDS);
            }
            acknowledger.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.info("worker on {} stopped", Redaction.uri(spec.uri()));
    }

    private static ThreadFactory threads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Builder for {@link Worker}: handlers by type, interceptors, where follow-ups go, shutdown timeout. */
    public static final class Builder {
        private final Pipelines pipelines;
        private final QueueSpec spec;
        private final Router.Builder routes = Router.builder();
        private Router router;
        private final List<Interceptor> interceptors = new ArrayList<>();
        private boolean logging = true;
        private Publisher followUps;
        private Duration shutdownTimeout = Duration.ofSeconds(30);

        private Builder(Pipelines pipelines, QueueSpec spec) {
            this.pipelines = Objects.requireNonNull(pipelines, "pipelines");
            this.spec = Objects.requireNonNull(spec, "spec");
        }

        /** Handles events of {@code type}. */
        public Builder on(String type, EventHandler handler) {
            routes.on(type, handler);
            return this;
        }

        /** Handles events of {@code type} with their JSON data bound to {@code dataType}. */
        public <T> Builder on(String type, Class<T> dataType, DataHandler<T> handler) {
            routes.on(type, dataType, handler);
            return this;
        }

        /** Uses a prepared router instead of {@link #on} calls. */
        public Builder router(Router router) {
            this.router = router;
            return this;
        }

        /** What to do with an event of a type nobody handles (default: dead-letter it). */
        public Builder onUnknownType(Router.UnknownType action) {
            routes.onUnknownType(action);
            return this;
        }

        /** Adds an interceptor; the first added is the outermost. */
        public Builder interceptor(Interceptor interceptor) {
            interceptors.add(Objects.requireNonNull(interceptor, "interceptor"));
            return this;
        }

        /** Turns off the built-in lifecycle logging interceptor. */
        public Builder withoutLogging() {
            logging = false;
            return this;
        }

        /** Where {@code Delivery.emit} publishes (default: this worker's own queue). */
        public Builder followUpsTo(Publisher publisher) {
            followUps = publisher;
            return this;
        }

        /** How long {@link Worker#close()} waits for running handlers (default 30 s). */
        public Builder shutdownTimeout(Duration timeout) {
            shutdownTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * Opens the queue (checking the spec against the broker and provisioning it, which fails here when
         * the broker cannot honour the spec), and starts receiving.
         */
        public Worker start() {
            Router r = router != null ? router : routes.build();
            List<Interceptor> chain = new ArrayList<>();
            if (logging) chain.add(new LoggingInterceptor(Redaction.uri(spec.uri())));
            chain.addAll(interceptors);
            Pipeline pipeline = pipelines.pipeline(spec, r, chain, followUps);
            return new Worker(spec, pipeline.source(), pipeline, pipelines.scheduler(), shutdownTimeout,
                    r.types().stream().sorted().toList()).start();
        }
    }
}
