package dev.sluice.runtime.hosts;

import dev.sluice.DeadLetterReason;
import dev.sluice.OutgoingEvent;
import dev.sluice.PublishOptions;
import dev.sluice.PublishResult;
import dev.sluice.QueueSpec;
import dev.sluice.core.Sluice;
import dev.sluice.codec.CloudEventCodec;
import dev.sluice.codec.DecodeException;
import dev.sluice.runtime.config.RuntimeConfig;
import dev.sluice.runtime.inject.SluiceRuntime;
import dev.sluice.spi.InboundMessage;
import dev.sluice.spi.OutboundMessage;
import dev.sluice.spi.QueueDriver;
import dev.sluice.testkit.VirtualClock;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the three hosts share: the runtime every host runs (one queue, {@code case}, configured through
 * {@code SLUICE_QUEUE_CASE_*} as a deployment would, the contract's handlers, a virtual clock, recorded drivers),
 * sending through the runtime's publisher, and reading the dead-letter queue.
 */
abstract class RuntimeHost implements Host {
    private static final AtomicInteger QUEUES = new AtomicInteger();
    /** The contract's keyring for encrypted queues: one fixed test key. */
    static final String KEYRING = "contract:" + java.util.Base64.getEncoder().encodeToString(new byte[32]);

    protected final BrokerLog log = new BrokerLog();
    protected final Journal journal = new Journal(log::next);
    protected final VirtualClock clock = new VirtualClock();
    protected final List<dev.sluice.observe.SluiceEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
    protected QueueSetup setup;
    protected SluiceRuntime runtime;
    protected QueueSpec spec;
    protected URI deadLetterUri;

    /** The queue URI for {@code name} on this host's broker (a FIFO one when {@code ordered}). */
    protected abstract String uri(String name, boolean ordered);

    /** Adds the drivers this host's broker needs, wrapped by {@link #log}. */
    protected abstract Sluice.Builder drivers(Sluice.Builder builder);

    /** Adds the host's own variables to the queue's. */
    protected void configure(Map<String, String> env) {
    }

    /** Called once the runtime runs (start the server, create the handler). */
    protected void started() throws Exception {
    }

    /** Stops what {@link #started} started; true when that closed the runtime too (PollerMain, CloudRunServer do). */
    protected boolean stopping() {
        return false;
    }

    @Override
    public String queueUri(String name) {
        return uri(name, false);
    }

    @Override
    public void start(QueueSetup setup) throws Exception {
        stop();
        this.setup = setup;
        String name = "c" + QUEUES.incrementAndGet() + "-" + ProcessHandle.current().pid();
        Map<String, String> env = env(setup, uri(name, setup.ordering()),
                setup.refusingDlq() ? uri(name + "-" + BrokerLog.REFUSING + "-dlq", false) : null);
        configure(env);
        runtime = SluiceRuntime.start(RuntimeConfig.load(env, new Properties()), drivers(Sluice.builder().scheduler(clock).listener(events::add)),
                List.of(new ContractModule(journal)));
        spec = runtime.config().queues().get(0).spec();
        deadLetterUri = runtime.sluice().open(spec).deadLetterQueue().uri();
        started();
    }

    /** The variables a deployment of the contract's queue sets. */
    static Map<String, String> env(QueueSetup setup, String uri, String dlq) {
        Map<String, String> env = new HashMap<>();
        env.put("SLUICE_QUEUE_CASE_URI", uri);
        if (dlq != null) env.put("SLUICE_QUEUE_CASE_DLQ", dlq);
        env.put("SLUICE_QUEUE_CASE_MAX_DELIVERY_ATTEMPTS", String.valueOf(setup.maxAttempts()));
        if (setup.retryDelay().isZero()) {
            env.put("SLUICE_QUEUE_CASE_RETRY", "none");
        } else {
            env.put("SLUICE_QUEUE_CASE_RETRY", "fixed");
            env.put("SLUICE_QUEUE_CASE_RETRY_INITIAL_DELAY", setup.retryDelay().toSeconds() + "s");
        }
        env.put("SLUICE_QUEUE_CASE_LEASE", setup.lease().toSeconds() + "s");
        if (setup.ordering()) env.put("SLUICE_QUEUE_CASE_ORDERING", "true");
        env.put("SLUICE_SHUTDOWN_TIMEOUT", "5s");
        if (setup.encrypted()) {
            env.put("SLUICE_KEYRING", KEYRING);
            env.put("SLUICE_QUEUE_CASE_ENCRYPTED", "true");
        }
        return env;
    }

    @Override
    public QueueSpec spec() {
        return spec;
    }

    @Override
    public List<Sent> send(List<Msg> messages) throws Exception {
        List<OutgoingEvent> out = new ArrayList<>();
        for (Msg m : messages) {
            out.add(new OutgoingEvent(event(m), m.orderingKey() == null ? PublishOptions.NONE : PublishOptions.orderingKey(m.orderingKey())));
        }
        List<PublishResult> results = runtime.sluice().publisher(spec.uri()).publishAll(out).get();
        List<Sent> sent = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) sent.add(new Sent(results.get(i).messageId(), messages.get(i).id()));
        return sent;
    }

    static CloudEvent event(Msg m) {
        return CloudEventBuilder.v1().withId(m.id()).withSource(URI.create("/contract")).withType(m.type())
                .withData("application/json", json(m.job()).getBytes(StandardCharsets.UTF_8)).build();
    }

    static String json(ContractModule.Job job) {
        return job.to() == null ? "{\"act\":\"" + job.act() + "\"}" : "{\"act\":\"" + job.act() + "\",\"to\":\"" + job.to() + "\"}";
    }

    /** A binary-mode CloudEvent without {@code ce-id}, whose body is not JSON. */
    static OutboundMessage undecodable(String id) {
        return new OutboundMessage(id, "{not json".getBytes(StandardCharsets.UTF_8),
                Map.of("ce-specversion", "1.0", "ce-type", ContractModule.JOB, "ce-source", "/contract",
                        "content-type", "application/json"), null, null, Duration.ZERO);
    }

    @Override
    public Sent sendUndecodable(String id) throws Exception {
        QueueDriver driver = runtime.sluice().driver(spec.uri());
        String messageId = driver.send(List.of(undecodable(id))).get(0).messageId();
        return new Sent(messageId, null);
    }

    @Override
    public CompletableFuture<Result> deliverAsync(Sent m) {
        CompletableFuture<Result> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                f.complete(deliver(m));
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        }, "contract-deliver-" + m.messageId());
        t.setDaemon(true);
        t.start();
        return f;
    }

    /** The dead letter the host sent for {@code messageId} among {@code calls}, if any. */
    protected Optional<DeadLetterReason> deadLetterSent(List<BrokerLog.Call> calls, String messageId) {
        return calls.stream().filter(c -> c.kind() == BrokerLog.Kind.SEND && c.queue().equals(deadLetterUri)
                && c.messageId().equals(messageId)).reduce((a, b) -> b).flatMap(BrokerLog.Call::reason);
    }

    /** The retry delay the host gave the broker for {@code messageId} among {@code calls}, if any. */
    protected Optional<Duration> nackDelay(List<BrokerLog.Call> calls, String messageId) {
        return calls.stream().filter(c -> c.kind() == BrokerLog.Kind.NACK && c.queue().equals(spec.uri())
                && c.messageId().equals(messageId)).reduce((a, b) -> b).map(BrokerLog.Call::duration);
    }

    @Override
    public List<DeadLetterView> deadLetters() throws Exception {
        QueueDriver dlq = runtime.sluice().driver(deadLetterUri);
        CloudEventCodec codec = new CloudEventCodec(dlq.capabilities());
        List<InboundMessage> held = new ArrayList<>();
        List<DeadLetterView> views = new ArrayList<>();
        try {
            for (List<InboundMessage> got = dlq.receive(10, Duration.ZERO); !got.isEmpty(); got = dlq.receive(10, Duration.ZERO)) {
                for (InboundMessage m : got) {
                    held.add(m);
                    String eventId;
                    String contentType;
                    try {
                        CloudEvent e = codec.decode(m, spec.uri());
                        eventId = e.getId();
                        contentType = e.getDataContentType();
                    } catch (DecodeException e) {
                        eventId = null;
                        contentType = null;
                    }
                    views.add(new DeadLetterView(eventId, DeadLetterReason.fromAttribute(
                            m.attributes().get(CloudEventCodec.DEAD_LETTER_ATTRIBUTE)).orElse(null), contentType));
                }
            }
        } finally {
            held.forEach(m -> dlq.nack(m, Duration.ZERO));
        }
        return views;
    }

    @Override
    public VirtualClock clock() {
        return clock;
    }

    @Override
    public List<dev.sluice.observe.SluiceEvent> events() {
        return events;
    }

    @Override
    public Journal journal() {
        return journal;
    }

    @Override
    public BrokerLog log() {
        return log;
    }

    private void stop() {
        if (runtime == null) return;
        try {
            if (!stopping()) runtime.close();
        } finally {
            runtime = null;
        }
    }

    @Override
    public void close() {
        stop();
    }
}
