package dev.sluice.pipeline;

import dev.sluice.DeadLetterReason.Cause;
import dev.sluice.EventHandler;
import dev.sluice.Events;
import dev.sluice.Interceptor;
import dev.sluice.Outcome;
import dev.sluice.Publisher;
import dev.sluice.QueueSpec;
import dev.sluice.Router;
import dev.sluice.Scheduler;
import dev.sluice.codec.CloudEventCodec;
import dev.sluice.codec.DecodeException;
import dev.sluice.spi.InboundMessage;
import dev.sluice.spi.QueueDriver;
import io.cloudevents.CloudEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one path every message takes, whatever the host: decode, interceptors, router, handler, follow-ups,
 * outcome. A message that cannot be decoded, a permanent failure, an unknown type or a failure on the last
 * allowed attempt is sent to the dead-letter queue here, with its reason; the returned outcome then says
 * "dead-lettered" and the host acknowledges the original. If the dead-letter queue does not take it, the
 * outcome is a retry instead: nothing is dropped.
 *
 * <p>Hosts differ only in how they obtain messages and report outcomes: the poller acks or nacks through
 * the driver, the Lambda host reports batch item failures, the Cloud Run host answers with a status code.
 * Build one with {@link dev.sluice.Sluice#pipeline(QueueSpec, Router, List)}.
 */
public final class Pipeline {
    private static final Logger log = LoggerFactory.getLogger(Pipeline.class);

    private final QueueSpec spec;
    private final String queue;
    private final CloudEventCodec codec;
    private final Router router;
    private final List<Interceptor> interceptors;
    private final Events events;
    private final Publisher followUps;
    private final DeadLetterer deadLetterer;
    private final Scheduler scheduler;
    private final FailureClassifier classifier;
    private final FailureLedger ledger = new FailureLedger();

    /**
     * @param spec            the queue's spec (retry policy, attempts)
     * @param source          the driver messages come from (its limits pick the codec)
     * @param deadLetterQueue the driver dead letters go to
     * @param router          handlers by type
     * @param interceptors    outermost first
     * @param events          binds data, makes follow-up events
     * @param followUps       where {@link dev.sluice.Delivery#emit} publishes by default
     * @param scheduler       the time source
     */
    public Pipeline(QueueSpec spec, QueueDriver source, QueueDriver deadLetterQueue, Router router,
                    List<Interceptor> interceptors, Events events, Publisher followUps, Scheduler scheduler) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.queue = spec.uri().toString();
        this.codec = new CloudEventCodec(source.capabilities());
        this.router = Objects.requireNonNull(router, "router");
        this.interceptors = List.copyOf(interceptors);
        this.events = Objects.requireNonNull(events, "events");
        this.followUps = Objects.requireNonNull(followUps, "followUps");
        this.deadLetterer = new DeadLetterer(deadLetterQueue);
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.classifier = new FailureClassifier(spec, () -> ThreadLocalRandom.current().nextDouble());
    }

    /** The queue's spec. */
    public QueueSpec spec() {
        return spec;
    }

    /**
     * Runs one message through the pipeline and returns what the host must do with it: ack (also after a
     * dead letter was sent) or retry after a delay.
     *
     * @param leaseExtender extends the message's lease when the handler asks to
     */
    public Outcome process(InboundMessage message, Consumer<Duration> leaseExtender) {
        CloudEvent event;
        try {
            event = codec.decode(message, spec.uri());
        } catch (DecodeException e) {
            log.warn("message {} on {} is not a valid CloudEvent ({}); sending it to the dead-letter queue",
                    message.messageId(), queue, e.getMessage());
            return settle(message, classifier.deadLetter(Cause.UNDECODABLE, e, attempts(message), null, scheduler.now()));
        }
        HandlerDelivery delivery = new HandlerDelivery(event, message, queue, events, followUps, leaseExtender);
        Outcome outcome;
        try {
            outcome = new InterceptorChain(interceptors, 0, event, delivery, () -> handle(event, message, delivery)).proceed();
        } catch (Exception | LinkageError e) {
            outcome = fail(message, e);
        }
        return settle(message, outcome);
    }

    private Outcome handle(CloudEvent event, InboundMessage message, HandlerDelivery delivery) {
        Optional<EventHandler> handler = router.route(event);
        if (handler.isEmpty()) return unknownType(message, event);
        try {
            handler.get().handle(event, delivery);
            delivery.publishFollowUps();
            return Outcome.ACK;
        } catch (Exception | LinkageError e) {
            return fail(message, e instanceof CompletionException c && c.getCause() != null ? c.getCause() : e);
        }
    }

    private Outcome unknownType(InboundMessage message, CloudEvent event) {
        String why = "no handler for event type '" + event.getType() + "' (handled here: " + router.types() + ")";
        return switch (router.unknownType()) {
            case DEAD_LETTER -> classifier.deadLetter(Cause.UNKNOWN_TYPE, new IllegalStateException(why),
                    attempts(message), null, scheduler.now());
            case RETRY -> fail(message, new IllegalStateException(why));
            case ACK -> {
                log.warn("acknowledging event {} on {} unhandled: {}", event.getId(), queue, why);
                yield Outcome.ACK;
            }
        };
    }

    private Outcome fail(InboundMessage message, Throwable failure) {
        Instant now = scheduler.now();
        Instant first = ledger.failed(message.messageId(), now);
        return classifier.classify(failure, message.attempt(), first, now);
    }

    /** Sends a dead letter before reporting it; turns a failed send into a retry. */
    private Outcome settle(InboundMessage message, Outcome outcome) {
        if (outcome instanceof Outcome.DeadLetter dl) {
            try {
                deadLetterer.send(message, dl.reason());
            } catch (RuntimeException e) {
                log.error("could not dead-letter message {} of {} to {}; it will be redelivered", message.messageId(),
                        queue, deadLetterer.uri(), e);
                return new Outcome.Retry(classifier.retryDelay(message.attempt()), e);
            }
        }
        if (!(outcome instanceof Outcome.Retry)) ledger.settled(message.messageId());
        return outcome;
    }

    private static Integer attempts(InboundMessage message) {
        return message.attempt().isPresent() ? message.attempt().getAsInt() : null;
    }
}
