package dev.sluice.opentelemetry;

import dev.sluice.EventDecorator;
import dev.sluice.Outcome;
import dev.sluice.core.Sluice;
import dev.sluice.observe.MessagingNames;
import dev.sluice.observe.SluiceEvent;
import dev.sluice.observe.SluiceListener;
import dev.sluice.spi.InboundMessage;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Traces Sluice's messages with the OpenTelemetry API, following the OpenTelemetry messaging conventions:
 * <ul>
 *   <li>every event a publisher sends (follow-ups included) gets a {@code create <destination>} span of kind
 *       PRODUCER, child of the current context, whose context travels in the event's CloudEvents distributed
 *       tracing extension ({@code traceparent}, {@code tracestate}: two attributes of the broker's allowance,
 *       e.g. SQS's ten);</li>
 *   <li>every handling gets a {@code process <destination>} span of kind CONSUMER, with a link to the event's
 *       creation context and, when the thread has no span of its own (a poller's, Lambda's), that context as
 *       its parent: so a chain of handlers across queues and brokers is one trace. Where the host already has a
 *       span current (an instrumented HTTP request), that stays the parent and the link ties the trace to the
 *       producer's. An event without {@code traceparent} that the broker delivered with an X-Ray trace header
 *       (SQS's {@code AWSTraceHeader}, which AWS sets on messages sent by an X-Ray-traced or OpenTelemetry
 *       agent-instrumented producer) gets that context instead;</li>
 *   <li>the process span is current while interceptors and the handler run, so their follow-ups, and any
 *       client call the handler makes, are its children; it ends with the outcome ({@code sluice.outcome}),
 *       in error for a retry or a dead letter.</li>
 * </ul>
 * <pre>{@code
 * SluiceTracing tracing = SluiceTracing.create(openTelemetry);
 * Sluice sluice = tracing.register(Sluice.builder()).build();
 * }</pre>
 */
public final class SluiceTracing {
    /** The instrumentation scope name. */
    public static final String SCOPE = "dev.sluice";
    static final String TRACEPARENT = "traceparent";
    static final String TRACESTATE = "tracestate";

    static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");
    static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
    static final AttributeKey<String> OPERATION_NAME = AttributeKey.stringKey("messaging.operation.name");
    static final AttributeKey<String> OPERATION_TYPE = AttributeKey.stringKey("messaging.operation.type");
    static final AttributeKey<String> MESSAGE_ID = AttributeKey.stringKey("messaging.message.id");
    static final AttributeKey<String> EVENT_ID = AttributeKey.stringKey("cloudevents.event_id");
    static final AttributeKey<String> EVENT_TYPE = AttributeKey.stringKey("cloudevents.event_type");
    static final AttributeKey<String> EVENT_SOURCE = AttributeKey.stringKey("cloudevents.event_source");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("sluice.attempt");
    static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("sluice.outcome");

    private static final TextMapGetter<CloudEvent> EXTENSIONS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(CloudEvent event) {
            return event.getExtensionNames();
        }

        @Override
        public String get(CloudEvent event, String key) {
            if (event == null || key == null) return null;
            Object v = event.getExtension(key);
            return v == null ? null : v.toString();
        }
    };

    private final Tracer tracer;
    /** W3C trace context: the format of the CloudEvents distributed tracing extension, whatever else the application propagates. */
    private final TextMapPropagator propagator = W3CTraceContextPropagator.getInstance();
    /** The process spans open on this thread, innermost last (a handler may run a pipeline of its own). */
    private final ThreadLocal<ArrayDeque<Open>> open = ThreadLocal.withInitial(ArrayDeque::new);

    private record Open(String messageId, Span span, Scope scope) {
    }

    /** A queue's span names and attributes, worked out once per queue rather than per span. */
    private record Names(String createSpan, String processSpan, Attributes create, Attributes process) {
        static Names of(URI queue) {
            String destination = MessagingNames.destination(queue);
            Attributes common = Attributes.of(SYSTEM, MessagingNames.system(queue), DESTINATION, destination);
            return new Names("create " + destination, "process " + destination,
                    common.toBuilder().put(OPERATION_NAME, "create").put(OPERATION_TYPE, "create").build(),
                    common.toBuilder().put(OPERATION_NAME, "process").put(OPERATION_TYPE, "process").build());
        }
    }

    private final Map<URI, Names> names = new ConcurrentHashMap<>();

    private SluiceTracing(OpenTelemetry openTelemetry) {
        this.tracer = openTelemetry.getTracer(SCOPE);
    }

    /**
     * Tracing with {@code openTelemetry}'s tracer provider. The context travels in W3C trace context format (the
     * CloudEvents extension's), whichever propagators {@code openTelemetry} has for other transports.
     */
    public static SluiceTracing create(OpenTelemetry openTelemetry) {
        return new SluiceTracing(Objects.requireNonNull(openTelemetry, "openTelemetry"));
    }

    /** Registers the {@link #listener()} and the {@link #decorator()} on {@code builder}, and returns it. */
    public Sluice.Builder register(Sluice.Builder builder) {
        return builder.listener(listener()).decorator(decorator());
    }

    /** Opens and closes the process spans: register on {@code Sluice.builder().listener(...)}. */
    public SluiceListener listener() {
        return this::onEvent;
    }

    /** Creates the producer spans and injects their context: register on {@code Sluice.builder().decorator(...)}. */
    public EventDecorator decorator() {
        return this::decorate;
    }

    CloudEvent decorate(CloudEvent event, URI destination) {
        Names n = names(destination);
        Span span = tracer.spanBuilder(n.createSpan())
                .setSpanKind(SpanKind.PRODUCER).setParent(Context.current())
                .setAllAttributes(n.create())
                .setAttribute(EVENT_ID, event.getId()).setAttribute(EVENT_TYPE, event.getType())
                .setAttribute(EVENT_SOURCE, String.valueOf(event.getSource()))
                .startSpan();
        try {
            SpanContext context = span.getSpanContext();
            if (!context.isValid()) return event; // nothing to carry (a no-op OpenTelemetry)
            CloudEventBuilder b = CloudEventBuilder.from(event).withExtension(TRACEPARENT, traceparent(context));
            String state = tracestate(context.getTraceState());
            if (!state.isEmpty()) {
                b.withExtension(TRACESTATE, state);
            } else if (event.getExtension(TRACESTATE) != null) {
                b.withoutExtension(TRACESTATE); // an older context's state must not travel with the new parent
            }
            return b.build();
        } finally {
            span.end();
        }
    }

    /** The W3C {@code traceparent} of a valid span context: {@code 00-<trace id>-<span id>-<flags>}. */
    static String traceparent(SpanContext context) {
        return new StringBuilder(55).append("00-").append(context.getTraceId()).append('-').append(context.getSpanId())
                .append('-').append(context.getTraceFlags().asHex()).toString();
    }

    /** The W3C {@code tracestate} of a trace state: {@code key=value} entries joined by commas, empty for none. */
    static String tracestate(TraceState state) {
        if (state.isEmpty()) return "";
        StringBuilder s = new StringBuilder();
        state.forEach((key, value) -> (s.length() == 0 ? s : s.append(',')).append(key).append('=').append(value));
        return s.toString();
    }

    void onEvent(SluiceEvent event) {
        if (event instanceof SluiceEvent.HandlerStarted s) {
            started(s);
        } else if (event instanceof SluiceEvent.HandlerFinished f) {
            finished(f);
        }
    }

    private void started(SluiceEvent.HandlerStarted s) {
        Context created = propagator.extract(Context.root(), s.event(), EXTENSIONS);
        SpanContext creation = Span.fromContext(created).getSpanContext();
        if (!creation.isValid()) { // no traceparent: the context the broker carried, if any (SQS's AWSTraceHeader)
            creation = XRayTraceHeader.parse(s.traceHeaders().get(InboundMessage.AWS_TRACE_HEADER));
            if (creation.isValid()) created = Context.root().with(Span.wrap(creation));
        }
        Context current = Context.current();
        boolean ambient = Span.fromContext(current).getSpanContext().isValid();
        Names n = names(s.queue());
        SpanBuilder b = tracer.spanBuilder(n.processSpan())
                .setSpanKind(SpanKind.CONSUMER)
                .setParent(ambient || !creation.isValid() ? current : created)
                .setAllAttributes(n.process())
                .setAttribute(MESSAGE_ID, s.messageId()).setAttribute(EVENT_ID, s.eventId())
                .setAttribute(EVENT_TYPE, s.eventType()).setAttribute(ATTEMPT, (long) s.attempt());
        if (creation.isValid()) b.addLink(creation);
        Span span = b.startSpan();
        open.get().addLast(new Open(s.messageId(), span, span.makeCurrent()));
    }

    private void finished(SluiceEvent.HandlerFinished f) {
        ArrayDeque<Open> stack = open.get();
        Open o = stack.peekLast();
        if (o == null || !o.messageId().equals(f.messageId())) return; // not ours: started before tracing, or unbalanced
        stack.removeLast();
        Span span = o.span();
        String outcome = outcome(f.outcome());
        span.setAttribute(OUTCOME, outcome);
        Throwable cause = f.outcome() instanceof Outcome.Retry r ? r.cause()
                : f.outcome() instanceof Outcome.DeadLetter d ? d.cause() : null;
        if (!outcome.equals("ack")) {
            span.setStatus(StatusCode.ERROR, outcome);
            span.setAttribute(ERROR_TYPE, cause != null ? cause.getClass().getName() : outcome);
            if (cause != null) span.recordException(cause);
        }
        o.scope().close();
        span.end(); // the thread's (empty) stack stays for its next handling rather than being made anew each time
    }

    private Names names(URI queue) {
        Names n = names.get(queue);
        return n != null ? n : names.computeIfAbsent(queue, Names::of);
    }

    private static String outcome(Outcome outcome) {
        if (outcome instanceof Outcome.Retry) return "retry";
        if (outcome instanceof Outcome.DeadLetter) return "dead_letter";
        return "ack";
    }
}
