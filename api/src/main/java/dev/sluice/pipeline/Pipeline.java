package dev.sluice.pipeline;

import dev.sluice.DeadLetterReason.Cause;
import dev.sluice.ErrorCode;
import dev.sluice.EventHandler;
import dev.sluice.Events;
import dev.sluice.HandlerTimeoutException;
import dev.sluice.Interceptor;
import dev.sluice.Outcome;
import dev.sluice.Publisher;
import dev.sluice.QueueSpec;
import dev.sluice.Redaction;
import dev.sluice.Router;
import dev.sluice.Scheduler;
import dev.sluice.SluiceException;
import dev.sluice.codec.CloudEventCodec;
import dev.sluice.codec.DecodeException;
import dev.sluice.crypto.PayloadEncryption;
import dev.sluice.crypto.UndecryptableException;
import dev.sluice.observe.SluiceEvent;
import dev.sluice.observe.SluiceListener;
import dev.sluice.spi.Capabilities;
import dev.sluice.spi.InboundMessage;
import dev.sluice.spi.QueueDriver;
import io.cloudevents.CloudEvent;
import java.time.Duration;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one path every message takes, whatever the host: decode, interceptors, router, handler, follow-ups,
 * outcome, settlement. It decides and settles in one place:
 * <ul>
 *   <li>anything a handler or interceptor throws, {@link Error}s included, is routed by the queue's
 *       {@link dev.sluice.RetryPolicy}; only VM-fatal errors ({@link VirtualMachineError} other than
 *       {@link StackOverflowError}) propagate, leaving the message to come back when its lease ends;</li>
 *   <li>a message that cannot be decoded, a permanent failure, an unknown type or a failure on the last
 *       allowed attempt is sent to the dead-letter queue with its reason, then acked; if the dead-letter
 *       queue does not take it, it is retried instead: nothing is dropped;</li>
 *   <li>a retry delay is clamped to what the broker allows;</li>
 *   <li>the attempt number is the broker's delivery count less the deliveries given back unhandled
 *       ({@link #release}), or the failures seen here where the broker does not count;</li>
 *   <li>the lease is extended while the handler runs, up to the queue's handler timeout.</li>
 * </ul>
 * Hosts only say how a message arrives and how its outcome leaves, through a {@link Settlement}.
 * Hosts get one from {@link Pipelines} (a {@code Sluice} is one). It reports what it does to its
 * {@link SluiceListener} (received, handler started and finished, the settlement), the same on every host.
 */
public final class Pipeline {
    private static final Logger log = LoggerFactory.getLogger(Pipeline.class);

    private final QueueSpec spec;
    private final QueueDriver source;
    private final String queue;
    private final CloudEventCodec codec;
    private final Capabilities capabilities;
    private final Router router;
    private final List<Interceptor> interceptors;
    private final Events events;
    private final Publisher followUps;
    private final DeadLetterer deadLetterer;
    private final Scheduler scheduler;
    private final FailureClassifier classifier;
    private final LeaseKeeper leaseKeeper;
    private final SluiceListener listener;
    private final FailureLedger ledger = new FailureLedger();
    private final PayloadEncryption encryption;

    /**
     * @param spec            the queue's spec (retry policy, attempts, lease, handler timeout)
     * @param source          the driver messages come from (its limits pick the codec and clamp delays)
     * @param deadLetterQueue the driver dead letters go to
     * @param router          handlers by type
     * @param interceptors    outermost first
     * @param events          binds data, makes follow-up events
     * @param followUps       where {@link dev.sluice.Delivery#emit} publishes by default
     * @param scheduler       the time source
     * @param listener        told what happens (shielded: a listener that throws is logged, never felt here)
     */
    public Pipeline(QueueSpec spec, QueueDriver source, QueueDriver deadLetterQueue, Router router,
                    List<Interceptor> interceptors, Events events, Publisher followUps, Scheduler scheduler,
                    SluiceListener listener) {
        this(spec, source, deadLetterQueue, router, interceptors, events, followUps, scheduler, listener, null);
    }

    /**
     * As the other constructor, decrypting encrypted events with {@code encryption} before any interceptor or
     * handler sees them (null: no key provider; an encrypted event is then dead-lettered as undecryptable).
     */
    public Pipeline(QueueSpec spec, QueueDriver source, QueueDriver deadLetterQueue, Router router,
                    List<Interceptor> interceptors, Events events, Publisher followUps, Scheduler scheduler,
                    SluiceListener listener, PayloadEncryption encryption) {
        this.encryption = encryption;
        this.spec = Objects.requireNonNull(spec, "spec");
        this.source = Objects.requireNonNull(source, "source");
        this.queue = Redaction.uri(spec.uri());
        this.capabilities = source.capabilities();
        this.codec = new CloudEventCodec(capabilities);
        this.router = Objects.requireNonNull(router, "router");
        this.interceptors = List.copyOf(interceptors);
        this.events = Objects.requireNonNull(events, "events");
        this.followUps = Objects.requireNonNull(followUps, "followUps");
        this.deadLetterer = new DeadLetterer(deadLetterQueue);
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.classifier = new FailureClassifier(spec, () -> ThreadLocalRandom.current().nextDouble());
        this.listener = SluiceListener.of(List.of(Objects.requireNonNull(listener, "listener")));
        this.leaseKeeper = new LeaseKeeper(scheduler, spec.lease(), spec.handlerTimeout(), spec.uri(), this.listener);
    }

    /** Where this pipeline, and the host parts around it, report what they do. */
    public SluiceListener listener() {
        return listener;
    }

    /** The queue's spec. */
    public QueueSpec spec() {
        return spec;
    }

    /** The driver of the queue this pipeline processes (a polling host receives from it). */
    public QueueDriver source() {
        return source;
    }

    /**
     * Runs one message through the pipeline on the calling thread, settles it through {@code settlement}
     * (exactly one of ack or retry), and returns the outcome for the host's own bookkeeping (ordering lanes,
     * the FIFO stop rule).
     */
    public Outcome process(InboundMessage message, Settlement settlement) {
        CloudEvent event = null;
        DecodeException undecodable = null;
        try {
            event = codec.decode(message, spec.uri());
        } catch (DecodeException e) {
            undecodable = e;
        }
        LeaseKeeper.Kept kept = leaseKeeper.keep(message.messageId(), settlement, Thread.currentThread());
        Run run = new Run(message, attempt(message), kept, event);
        listener.onEvent(new SluiceEvent.Received(spec.uri(), scheduler.now(), message.messageId(), run.eventId(),
                run.eventType(), run.attempt(), run.eventTime()));
        Outcome outcome;
        try {
            outcome = undecodable != null ? undecodable(run, undecodable) : decrypted(run, event, settlement);
        } finally {
            kept.close();
            if (kept.timedOut()) Thread.interrupted(); // the timeout's own interrupt, if the handler did not take it
        }
        return settle(run, outcome, settlement);
    }

    /**
     * Gives a message back unhandled, for redelivery at once: a later message of an ordering key behind a
     * failure, or one received but not started when the host stops. The delivery does not count as an attempt.
     */
    public void release(InboundMessage message, Settlement settlement) {
        ledger.gaveBack(message.messageId(), message.attempt());
        retry(message, Duration.ZERO, settlement);
        listener.onEvent(new SluiceEvent.Released(spec.uri(), scheduler.now(), message.messageId()));
    }

    /**
     * One message being processed: its attempt number (counted once, at the start), its lease, and its
     * CloudEvent (null when it did not decode).
     */
    private record Run(InboundMessage message, int attempt, LeaseKeeper.Kept kept, CloudEvent event) {
        String eventId() {
            return event == null ? null : event.getId();
        }

        String eventType() {
            return event == null ? null : event.getType();
        }

        Instant eventTime() {
            return event == null || event.getTime() == null ? null : event.getTime().toInstant();
        }
    }

    private Outcome undecodable(Run run, DecodeException e) {
        log.warn("message {} on {} is not a valid CloudEvent ({}); sending it to the dead-letter queue",
                run.message().messageId(), queue, e.getMessage());
        return classifier.deadLetter(Cause.UNDECODABLE, e, run.attempt(), null, scheduler.now());
    }

    /**
     * Decrypts an encrypted event, then decides. One that never can be decrypted is dead-lettered (the dead letter
     * keeps the ciphertext); a failure of the key service is a failed attempt, retried by the queue's policy.
     */
    private Outcome decrypted(Run run, CloudEvent event, Settlement settlement) {
        if (!PayloadEncryption.isEncrypted(event)) return decide(run, event, settlement);
        CloudEvent plain;
        try {
            if (encryption == null) throw UndecryptableException.noKeyProvider(event);
            plain = encryption.decrypt(event);
        } catch (UndecryptableException e) {
            log.warn("event {} on {} cannot be decrypted ({}); sending it to the dead-letter queue", event.getId(),
                    queue, e.getMessage());
            return classifier.deadLetter(Cause.UNDECRYPTABLE, e, run.attempt(), null, scheduler.now());
        } catch (RuntimeException e) {
            log.warn("event {} on {} not decrypted: the key service failed ({}); it will be retried", event.getId(),
                    queue, e.toString());
            return fail(run, e);
        }
        return decide(run, plain, settlement);
    }

    private Outcome decide(Run run, CloudEvent event, Settlement settlement) {
        InboundMessage message = run.message();
        Instant started = scheduler.now();
        listener.onEvent(new SluiceEvent.HandlerStarted(spec.uri(), started, message.messageId(), run.eventId(),
                run.eventType(), run.attempt(), event, message.traceHeaders()));
        Outcome outcome = intercepted(run, event, settlement);
        Instant finished = scheduler.now();
        listener.onEvent(new SluiceEvent.HandlerFinished(spec.uri(), finished, message.messageId(), run.eventId(),
                run.eventType(), run.attempt(), outcome, Duration.between(started, finished), run.eventTime()));
        return outcome;
    }

    private Outcome intercepted(Run run, CloudEvent event, Settlement settlement) {
        InboundMessage message = run.message();
        // The handler sees the attempt the pipeline counts (give-backs excluded); none where the broker does not count.
        OptionalInt attempt = message.attempt().isPresent() ? OptionalInt.of(run.attempt()) : OptionalInt.empty();
        HandlerDelivery delivery = new HandlerDelivery(event, message, queue, events, followUps, settlement::extendLease,
                attempt);
        try {
            return new InterceptorChain(interceptors, 0, event, delivery, () -> handle(event, delivery, run)).proceed();
        } catch (Throwable e) {
            rethrowIfFatal(e);
            return fail(run, e);
        }
    }

    /** The terminal stage: route, handle, publish follow-ups, decide. Interceptors see the decided outcome. */
    private Outcome handle(CloudEvent event, HandlerDelivery delivery, Run run) {
        Optional<EventHandler> handler = router.route(event);
        if (handler.isEmpty()) return unknownType(run, event);
        try {
            handler.get().handle(event, delivery);
            delivery.publishFollowUps();
            return Outcome.ACK;
        } catch (Throwable e) {
            rethrowIfFatal(e);
            return fail(run, e instanceof CompletionException c && c.getCause() != null ? c.getCause() : e);
        }
    }

    private Outcome unknownType(Run run, CloudEvent event) {
        String why = "no handler for event type '" + event.getType() + "' (handled here: " + router.types() + ")";
        return switch (router.unknownType()) {
            case DEAD_LETTER -> classifier.deadLetter(Cause.UNKNOWN_TYPE, new IllegalStateException(why),
                    run.attempt(), null, scheduler.now());
            case RETRY -> fail(run, new IllegalStateException(why));
            case ACK -> {
                log.warn("acknowledging event {} on {} unhandled: {}", event.getId(), queue, why);
                yield Outcome.ACK;
            }
        };
    }

    private Outcome fail(Run run, Throwable thrown) {
        Throwable failure = run.kept().timedOut() ? new HandlerTimeoutException(spec.handlerTimeout(), thrown) : thrown;
        Instant now = scheduler.now();
        Instant first = ledger.failed(run.message().messageId(), now);
        return classifier.classify(failure, run.attempt(), first, now);
    }

    /** Sends a dead letter, then acks; turns a failed send into a retry; clamps a retry's delay. */
    private Outcome settle(Run run, Outcome outcome, Settlement settlement) {
        InboundMessage message = run.message();
        if (outcome instanceof Outcome.DeadLetter dl) {
            try {
                deadLetterer.send(message, dl.reason());
            } catch (RuntimeException e) {
                log.error("could not dead-letter message {} of {} to {}; it will be redelivered", message.messageId(),
                        queue, Redaction.uri(deadLetterer.uri()), e);
                brokerCallFailed(deadLetterer.uri(), SluiceEvent.Operation.SEND, e);
                outcome = new Outcome.Retry(classifier.retryDelay(run.attempt()), e);
            }
        }
        if (outcome instanceof Outcome.Retry r) {
            ledger.handled(message.messageId(), message.attempt());
            Duration delay = retry(message, r.delay(), settlement);
            listener.onEvent(new SluiceEvent.RetryScheduled(spec.uri(), scheduler.now(), message.messageId(),
                    run.eventId(), run.eventType(), run.attempt(), delay, r.cause()));
            return outcome;
        }
        ledger.settled(message.messageId());
        try {
            if (outcome instanceof Outcome.DeadLetter) settlement.deadLettered(); else settlement.ack();
        } catch (RuntimeException e) {
            log.warn("ack of message {} on {} failed ({}); it will be redelivered when its lease ends",
                    message.messageId(), queue, e.toString());
            brokerCallFailed(spec.uri(), SluiceEvent.Operation.ACK, e);
        }
        Instant now = scheduler.now();
        listener.onEvent(outcome instanceof Outcome.DeadLetter dl
                ? new SluiceEvent.DeadLettered(spec.uri(), now, message.messageId(), run.eventId(), run.eventType(),
                        run.attempt(), deadLetterer.uri(), dl.reason())
                : new SluiceEvent.Acked(spec.uri(), now, message.messageId(), run.eventId(), run.eventType(),
                        run.attempt()));
        return outcome;
    }

    private void brokerCallFailed(URI uri, SluiceEvent.Operation operation, RuntimeException e) {
        ErrorCode code = e instanceof SluiceException s ? s.code() : ErrorCode.UNKNOWN;
        listener.onEvent(new SluiceEvent.BrokerCallFailed(uri, scheduler.now(), operation, code, 1, String.valueOf(e.getMessage())));
    }

    /** Gives the message back after {@code delay}, clamped to the broker's limit; returns the delay used. */
    private Duration retry(InboundMessage message, Duration delay, Settlement settlement) {
        Duration d = delay;
        if (d.compareTo(capabilities.maxNackDelay()) > 0) {
            log.info("retry delay {}s for message {} clamped to {}s, the longest {} allows", d.toSeconds(),
                    message.messageId(), capabilities.maxNackDelay().toSeconds(), capabilities.broker());
            d = capabilities.maxNackDelay();
        }
        try {
            settlement.retry(d);
        } catch (RuntimeException e) {
            log.warn("could not give back message {} on {} ({}); it will be redelivered when its lease ends",
                    message.messageId(), queue, e.toString());
            brokerCallFailed(spec.uri(), SluiceEvent.Operation.NACK, e);
        }
        return d;
    }

    private int attempt(InboundMessage message) {
        return ledger.attempt(message.messageId(), message.attempt());
    }

    /** VM-fatal errors are not a handler's outcome; everything else (StackOverflowError included) is. */
    static void rethrowIfFatal(Throwable t) {
        if (t instanceof VirtualMachineError && !(t instanceof StackOverflowError)) throw (VirtualMachineError) t;
    }
}
