package dev.sluice.core;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.sluice.ConfigurationException;
import dev.sluice.EventDecorator;
import dev.sluice.Events;
import dev.sluice.Interceptor;
import dev.sluice.Publisher;
import dev.sluice.QueueSpec;
import dev.sluice.Redaction;
import dev.sluice.QueueStats;
import dev.sluice.Router;
import dev.sluice.Scheduler;
import dev.sluice.crypto.KeyProvider;
import dev.sluice.crypto.LocalKeyring;
import dev.sluice.crypto.PayloadEncryption;
import dev.sluice.crypto.UndecryptableException;
import dev.sluice.internal.BrokerRetry;
import dev.sluice.observe.SluiceListener;
import dev.sluice.pipeline.Pipeline;
import dev.sluice.pipeline.Pipelines;
import dev.sluice.spi.Capabilities;
import dev.sluice.spi.DriverContext;
import dev.sluice.spi.DriverProvider;
import dev.sluice.spi.QueueDriver;
import dev.sluice.worker.Worker;
import io.cloudevents.CloudEvent;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The entry point: finds drivers by URI scheme, and opens publishers, workers and dead-letter views on
 * queues. Holds what they share: the {@link ObjectMapper}, the {@link Scheduler}, the open drivers. One per
 * application (the in-memory broker's queues live in it); close it last.
 *
 * <pre>{@code
 * try (Sluice sluice = Sluice.create()) {
 *     sluice.publisher("mem://emails").publish("send-welcome-email", new Signup("ada@example.com"));
 *     try (Worker worker = sluice.worker(QueueSpec.of("mem://emails"))
 *             .on("send-welcome-email", Signup.class, (signup, delivery) -> mailer.send(signup))
 *             .start()) { ... }
 * }
 * }</pre>
 */
public final class Sluice implements Pipelines, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Sluice.class);

    private final Map<String, DriverProvider> providers;
    private final DriverContext context;
    private final Scheduler scheduler;
    private final boolean ownsScheduler;
    private final Events events;
    private final SluiceListener listener;
    private final List<EventDecorator> decorators;
    private final ExecutorService io;
    private final PayloadEncryption encryption;
    private final Set<URI> encrypted;
    private final Map<URI, QueueDriver> drivers = new ConcurrentHashMap<>();
    private final Map<URI, Publisher> publishers = new ConcurrentHashMap<>();
    private final Map<QueueSpec, OpenQueue> opened = new ConcurrentHashMap<>();

    private Sluice(Builder b) {
        this.providers = Map.copyOf(b.providers);
        this.scheduler = b.scheduler != null ? b.scheduler : Scheduler.system();
        this.ownsScheduler = b.scheduler == null;
        this.context = new DriverContext(scheduler, b.environment);
        this.events = new Events(b.mapper != null ? b.mapper : defaultMapper(), b.source, scheduler);
        this.listener = SluiceListener.of(b.listeners);
        this.decorators = List.copyOf(b.decorators);
        this.encrypted = Set.copyOf(b.encrypted);
        this.encryption = b.keys == null ? null
                : new PayloadEncryption(b.keys, scheduler, b.maxKeyAge, b.maxKeyUses, 1_000);
        checkEncryptedQueues(b.keys);
        AtomicInteger n = new AtomicInteger();
        this.io = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "sluice-io-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Start-up: every queue marked encrypted needs a key provider with a key to encrypt with. */
    private void checkEncryptedQueues(KeyProvider keys) {
        for (URI q : encrypted) {
            if (keys == null) {
                throw new ConfigurationException("queue " + Redaction.uri(q) + " is encrypted, but no key provider is"
                        + " configured (Sluice.builder().keyProvider(...), e.g. LocalKeyring.fromEnvironment())");
            }
            if (keys.primaryKeyId().isEmpty()) {
                throw new ConfigurationException("queue " + Redaction.uri(q) + " is encrypted, but the key provider "
                        + keys + " has no key to encrypt with (for a LocalKeyring: set "
                        + LocalKeyring.ENVIRONMENT_VARIABLE + " to kid:base64key)");
            }
        }
    }

    /** A Sluice with the drivers on the class path, the system clock and a default {@link ObjectMapper}. */
    public static Sluice create() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The {@link ObjectMapper} with JSR-310 support that every typed handler and publisher uses. */
    public static ObjectMapper defaultMapper() {
        return new ObjectMapper().registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    }

    /** A publisher to {@code uri}; one per URI, shared. */
    public Publisher publisher(String uri) {
        return publisher(URI.create(uri));
    }

    /** A publisher to {@code uri}; one per URI, shared. */
    public Publisher publisher(URI uri) {
        return publishers.computeIfAbsent(uri, u -> new QueuePublisher(driver(u), events,
                new SendBatcher(driver(u), io, 4, BrokerRetry.forCalls(scheduler), listener), listener, decorators,
                encrypted.contains(u) ? encryption : null));
    }

    /** Starts building a worker on {@code spec}'s queue. */
    public Worker.Builder worker(QueueSpec spec) {
        return Worker.builder(this, spec);
    }

    /** Starts building a worker on {@code uri} with the default spec. */
    public Worker.Builder worker(String uri) {
        return worker(QueueSpec.of(uri));
    }

    /**
     * The dead letters of {@code spec}'s queue: peek, redrive. Opens the queue as a worker does (the spec is
     * checked against the deployed queue); {@link #deadLetters(URI)} needs only the URI.
     */
    public DeadLetters deadLetters(QueueSpec spec) {
        OpenQueue q = open(spec);
        return new DeadLetters(q.driver(), q.deadLetterQueue(), BrokerRetry.forCalls(scheduler));
    }

    /**
     * The dead letters of the queue at {@code queue}, in the driver's default dead-letter queue
     * ({@code <name>-dlq}): peek, redrive. Neither creates nor checks anything, so it works on a deployed queue
     * whatever its attempts or lease.
     */
    public DeadLetters deadLetters(URI queue) {
        QueueDriver driver = driver(queue);
        return deadLetters(queue, driver.defaultDeadLetterUri());
    }

    /** As {@link #deadLetters(URI)}, with the dead-letter queue named. */
    public DeadLetters deadLetters(URI queue, URI deadLetterQueue) {
        return new DeadLetters(driver(queue), driver(deadLetterQueue), BrokerRetry.forCalls(scheduler));
    }

    /**
     * The plaintext of an encrypted event, decrypted with this Sluice's key provider: what an operator's tool (the
     * console, the CLI) shows of a dead letter, which keeps the ciphertext. An event that is not encrypted is
     * returned as it is. Handlers need none of this: the pipeline decrypts before they run.
     *
     * @throws dev.sluice.crypto.UndecryptableException when it cannot be decrypted here: no key provider, or one
     *         without the key (both name it in {@code missingKeyId()}), a changed ciphertext or bound attribute, a
     *         malformed envelope
     * @throws dev.sluice.SluiceException with a retryable code when the key service failed
     */
    public CloudEvent decrypt(CloudEvent event) {
        if (!PayloadEncryption.isEncrypted(event)) return event;
        if (encryption == null) throw UndecryptableException.noKeyProvider(event);
        return encryption.decrypt(event);
    }

    /**
     * The depth of {@code spec}'s queue and of its dead-letter queue, as the broker reports them now (one call
     * to each; exact on {@code mem://}, approximate on SQS, what Pub/Sub cannot tell left empty with a note
     * saying where to read it). Opens the queue like a worker does. A failed call throws a
     * {@link dev.sluice.SluiceException}.
     */
    public QueueStats stats(QueueSpec spec) {
        OpenQueue q = open(spec);
        return new QueueStats(q.driver().depth(), q.deadLetterQueue().depth());
    }

    /**
     * Host SPI: the message pipeline for a host that obtains messages itself (the Lambda and Cloud Run hosts); the
     * {@link Worker} builds its own. Opens and checks the queue like a worker does. The interceptors are
     * exactly those given, outermost first: add a {@link dev.sluice.interceptor.LoggingInterceptor} for the
     * lifecycle log lines a worker writes.
     */
    public Pipeline pipeline(QueueSpec spec, Router router, List<Interceptor> interceptors) {
        return pipeline(spec, router, interceptors, null);
    }

    /** Host SPI: as {@link #pipeline(QueueSpec, Router, List)}, with follow-ups to {@code followUps} (null: the queue itself). */
    @Override
    public Pipeline pipeline(QueueSpec spec, Router router, List<Interceptor> interceptors, Publisher followUps) {
        OpenQueue q = open(spec);
        return new Pipeline(spec, q.driver(), q.deadLetterQueue(), router, interceptors, events,
                followUps != null ? followUps : publisher(spec.uri()), scheduler, listener, encryption);
    }

    /**
     * Host SPI: opens {@code spec}'s queue and its dead-letter queue once (workers, pipelines and dead-letter views
     * do this themselves): checks the spec against the broker's
     * capabilities and provisions or verifies both. Fails with a {@link ConfigurationException} naming the
     * broker and the limit when the broker cannot honour the spec.
     */
    public OpenQueue open(QueueSpec spec) {
        return opened.computeIfAbsent(spec, s -> {
            QueueDriver driver = driver(s.uri());
            SpecCheck.check(s, driver.capabilities());
            URI dlq = s.deadLetterUri() != null ? s.deadLetterUri() : driver.defaultDeadLetterUri();
            QueueDriver deadLetterQueue = driver(dlq);
            if (s.provisioning() != QueueSpec.Provisioning.NONE) {
                List<String> mismatches = BrokerRetry.forCalls(scheduler).call(() -> driver.provision(s, dlq));
                if (!mismatches.isEmpty()) {
                    String message = "queue " + Redaction.uri(s.uri()) + " contradicts its spec: " + String.join("; ", mismatches);
                    if (s.failOnMismatch()) throw new ConfigurationException(message
                            + " (fix the queue, or the spec; failOnMismatch(false) downgrades this to a warning)");
                    log.warn(message);
                }
            }
            return new OpenQueue(driver, deadLetterQueue);
        });
    }

    /**
     * The escape hatch, typed: the provider's native object of {@code type} for the queue at {@code uri} (an
     * {@code SqsAsyncClient}, the queue URL, a Pub/Sub stub, the in-memory {@code MemoryQueue}; each driver's
     * README lists what it hands out), or empty.
     */
    public <T> Optional<T> unwrap(URI uri, Class<T> type) {
        return driver(uri).unwrap(type);
    }

    /**
     * The driver for {@code uri}, opened once and shared. For hosts and drivers (the driver SPI); an
     * application reaches native objects through {@link #unwrap(URI, Class)}. An unknown scheme fails with the
     * schemes found on the class path.
     */
    public QueueDriver driver(URI uri) {
        return drivers.computeIfAbsent(uri, u -> {
            DriverProvider p = providers.get(u.getScheme());
            if (p == null) {
                throw new ConfigurationException("no Sluice driver for scheme '" + u.getScheme() + "' in " + Redaction.uri(u)
                        + "; drivers on the class path: " + new TreeSet<>(providers.keySet())
                        + " (add sluice-adapters-sqs for sqs://, sluice-adapters-pubsub for pubsub://)");
            }
            return p.open(u, context);
        });
    }

    /** Makes CloudEvents from Java objects and binds data back, with the shared mapper. */
    public Events events() {
        return events;
    }

    /** Where every part of this Sluice reports what it does: the registered listeners, in order, shielded. */
    public SluiceListener listener() {
        return listener;
    }

    /** The time source every part of this Sluice uses. */
    @Override
    public Scheduler scheduler() {
        return scheduler;
    }

    /** Closes publishers (flushing them) and drivers. Close workers first. */
    @Override
    public void close() {
        publishers.values().forEach(Publisher::close);
        drivers.values().forEach(d -> {
            try {
                d.close();
            } catch (RuntimeException e) {
                log.warn("closing driver {} failed: {}", Redaction.uri(d.uri()), e.toString());
            }
        });
        io.shutdown();
        if (ownsScheduler) scheduler.close();
    }

    /**
     * A queue opened for work: its driver and its dead-letter queue's.
     *
     * @param driver          the queue
     * @param deadLetterQueue its dead-letter queue
     */
    public record OpenQueue(QueueDriver driver, QueueDriver deadLetterQueue) {
    }

    /** Builder for {@link Sluice}. */
    public static final class Builder {
        private final Map<String, DriverProvider> providers = new LinkedHashMap<>();
        private ObjectMapper mapper;
        private Scheduler scheduler;
        private URI source = URI.create("/sluice");
        private Function<String, String> environment = System::getenv;
        private final List<SluiceListener> listeners = new ArrayList<>();
        private final List<EventDecorator> decorators = new ArrayList<>();
        private KeyProvider keys;
        private final Set<URI> encrypted = new LinkedHashSet<>();
        private Duration maxKeyAge = Duration.ofMinutes(5);
        private long maxKeyUses = 10_000;

        private Builder() {
            for (DriverProvider p : ServiceLoader.load(DriverProvider.class)) providers.putIfAbsent(p.scheme(), p);
        }

        /** The mapper for JSON data (default {@link #defaultMapper()}). */
        public Builder objectMapper(ObjectMapper v) { mapper = Objects.requireNonNull(v); return this; }

        /** The time source (default {@link Scheduler#system()}); a test passes a virtual clock. */
        public Builder scheduler(Scheduler v) { scheduler = Objects.requireNonNull(v); return this; }

        /** The CloudEvents {@code source} of events this application creates (default {@code /sluice}). */
        public Builder source(URI v) { source = Objects.requireNonNull(v); return this; }

        /** Environment lookup for drivers (default {@link System#getenv(String)}). */
        public Builder environment(Function<String, String> v) { environment = Objects.requireNonNull(v); return this; }

        /**
         * Adds a listener of what Sluice does (metrics, traces, logs); several are called in the order added, and
         * one that throws is logged and never breaks processing.
         */
        public Builder listener(SluiceListener v) { listeners.add(Objects.requireNonNull(v)); return this; }

        /**
         * Adds a decorator of every event this Sluice's publishers send (follow-ups included), such as the tracing
         * context; several run in the order added, and one that throws is logged and skipped.
         */
        public Builder decorator(EventDecorator v) { decorators.add(Objects.requireNonNull(v)); return this; }

        /**
         * The key service for encrypted payloads: wraps the data keys of the {@link #encrypted} queues' events,
         * and unwraps those of every encrypted event a pipeline of this Sluice receives.
         */
        public Builder keyProvider(KeyProvider v) { keys = Objects.requireNonNull(v); return this; }

        /**
         * Encrypts the data of every event published to these queues (follow-ups included), after the decorators;
         * {@code type}, {@code source}, {@code id} and extensions stay readable. Needs a {@link #keyProvider} with a
         * key to encrypt with, or {@link #build()} fails naming the queue. Decryption needs no marking: any
         * encrypted event is decrypted before its handler runs.
         */
        public Builder encrypted(String... uris) {
            for (String u : uris) encrypted.add(URI.create(u));
            return this;
        }

        /** A data key encrypts at most {@code maxUses} events during at most {@code maxAge} (default 10,000, 5 minutes). */
        public Builder dataKeyLimits(Duration maxAge, long maxUses) {
            maxKeyAge = Objects.requireNonNull(maxAge);
            maxKeyUses = maxUses;
            return this;
        }

        /** Adds or replaces the driver for its scheme. */
        public Builder driver(DriverProvider provider) { providers.put(provider.scheme(), provider); return this; }

        public Sluice build() {
            return new Sluice(this);
        }
    }

    /** Start-up checks of a spec against a broker's capabilities. */
    static final class SpecCheck {
        private SpecCheck() {
        }

        static void check(QueueSpec spec, Capabilities caps) {
            List<String> problems = new ArrayList<>();
            if (spec.ordering() && !caps.ordering()) {
                problems.add(caps.broker() + " does not keep per-key order, but the spec asks for ordering"
                        + " (on SQS use a FIFO queue: a name ending in .fifo)");
            }
            if (spec.deduplication() && !caps.deduplication()) {
                problems.add(caps.broker() + " does not deduplicate, but the spec asks for deduplication"
                        + " (make the handler idempotent instead)");
            }
            if (spec.delays() && !caps.delays()) {
                problems.add(caps.broker() + " has no per-message delay, but the spec asks for delays");
            }
            if (spec.maxDeliveryAttempts() < caps.minDeliveryAttempts()
                    || spec.maxDeliveryAttempts() > caps.maxDeliveryAttempts()) {
                problems.add("maxDeliveryAttempts is " + spec.maxDeliveryAttempts() + "; " + caps.broker()
                        + " accepts " + caps.minDeliveryAttempts() + ".." + caps.maxDeliveryAttempts());
            }
            if (caps.attempts() == Capabilities.AttemptCounting.NONE) {
                problems.add(caps.broker() + " does not count delivery attempts, so maxDeliveryAttempts cannot be kept");
            }
            if (spec.lease().compareTo(caps.minLease()) < 0) {
                problems.add("lease is " + spec.lease().toSeconds() + "s; " + caps.broker() + " needs at least "
                        + caps.minLease().toSeconds() + "s");
            }
            if (spec.lease().compareTo(caps.maxLease()) > 0) {
                problems.add("lease is " + spec.lease().toSeconds() + "s; " + caps.broker() + " allows at most "
                        + caps.maxLease().toSeconds() + "s");
            }
            if (!problems.isEmpty()) {
                throw new ConfigurationException("queue " + Redaction.uri(spec.uri()) + ": " + String.join("; ", problems));
            }
        }
    }
}
