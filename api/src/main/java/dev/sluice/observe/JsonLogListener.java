package dev.sluice.observe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cloudevents.CloudEvent;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Structured logs: one JSON object per line for each settled delivery, each give-back and each failed broker
 * call, in the shape AWS Lambda's JSON log format and Google Cloud Logging parse from standard output
 * ({@code timestamp}/{@code time}, {@code level}/{@code severity}, {@code message}), with the queue, the broker's
 * message id, the event's id, type and source, the attempt, the outcome, and the trace and span ids from the event's
 * {@code traceparent} (the trace the handling's spans share, and the span that created the event). Payloads and
 * exception messages are never written, only exception classes and dead-letter causes.
 *
 * <pre>{@code
 * Sluice.builder().listener(JsonLogListener.builder().gcpProject("acme-prod").build())
 * }</pre>
 */
public final class JsonLogListener implements SluiceListener {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Bound on the events remembered between a handler's start and its settlement (one per message in flight). */
    private static final int MAX_IN_FLIGHT = 100_000;

    private final Consumer<String> sink;
    private final String gcpProject;
    private final Map<String, Handling> inFlight = new ConcurrentHashMap<>();

    /** What a settlement line needs from the start of its handling. */
    private record Handling(String source, String traceparent, Duration duration) {
    }

    private JsonLogListener(Builder b) {
        this.sink = b.sink;
        this.gcpProject = b.gcpProject;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void onEvent(SluiceEvent event) {
        if (event instanceof SluiceEvent.HandlerStarted s) {
            if (inFlight.size() < MAX_IN_FLIGHT) inFlight.put(key(s), new Handling(source(s.event()), traceparent(s.event()), null));
        } else if (event instanceof SluiceEvent.HandlerFinished f) {
            inFlight.computeIfPresent(key(f), (k, h) -> new Handling(h.source(), h.traceparent(), f.duration()));
        } else if (event instanceof SluiceEvent.Acked a) {
            ObjectNode line = message(a, "INFO", "handled event " + a.eventId() + " (" + a.eventType() + ")", "acked");
            line.put("outcome", "ack");
            write(line);
        } else if (event instanceof SluiceEvent.RetryScheduled r) {
            ObjectNode line = message(r, "WARN", "event " + r.eventId() + " (" + r.eventType() + ") failed; retry in "
                    + r.delay().toMillis() + " ms", "retry_scheduled");
            line.put("outcome", "retry");
            line.put("delayMs", r.delay().toMillis());
            if (r.cause() != null) line.put("error", r.cause().getClass().getName());
            write(line);
        } else if (event instanceof SluiceEvent.DeadLettered d) {
            ObjectNode line = message(d, "ERROR", "event " + d.eventId() + " (" + d.eventType() + ") dead-lettered to "
                    + d.deadLetterQueue() + ": " + d.reason().cause(), "dead_lettered");
            line.put("outcome", "dead_letter");
            line.put("deadLetterQueue", d.deadLetterQueue().toString());
            line.put("cause", d.reason().cause().name());
            if (d.reason().exception() != null) line.put("error", d.reason().exception());
            write(line);
        } else if (event instanceof SluiceEvent.Released r) {
            ObjectNode line = base(r, "INFO", "message " + r.messageId() + " given back unhandled", "released");
            line.put("messageId", r.messageId());
            write(line);
        } else if (event instanceof SluiceEvent.BrokerCallFailed f) {
            ObjectNode line = base(f, "WARN", f.operation().name().toLowerCase(java.util.Locale.ROOT) + " on " + f.queue()
                    + " failed: " + f.code(), "broker_call_failed");
            line.put("operation", f.operation().name().toLowerCase(java.util.Locale.ROOT));
            line.put("errorCode", f.code().name());
            line.put("messages", f.messages());
            write(line);
        }
    }

    private static String key(SluiceEvent.OnMessage m) {
        return m.queue() + "\n" + m.messageId();
    }

    private ObjectNode message(SluiceEvent.OnMessage m, String level, String text, String kind) {
        Handling h = inFlight.remove(key(m));
        ObjectNode line = base(m, level, text, kind);
        line.put("messageId", m.messageId());
        if (m.eventId() != null) line.put("eventId", m.eventId());
        if (m.eventType() != null) line.put("eventType", m.eventType());
        if (h != null && h.source() != null) line.put("eventSource", h.source());
        line.put("attempt", m.attempt());
        if (h != null && h.duration() != null) line.put("durationMs", h.duration().toMillis());
        if (h != null && h.traceparent() != null) traceIds(line, h.traceparent());
        return line;
    }

    private static ObjectNode base(SluiceEvent e, String level, String text, String kind) {
        ObjectNode line = JSON.createObjectNode();
        line.put("timestamp", e.at().toString());
        line.put("time", e.at().toString());
        line.put("level", level);
        line.put("severity", level.equals("WARN") ? "WARNING" : level);
        line.put("message", text);
        line.put("logger", "dev.sluice");
        line.put("sluiceEvent", kind);
        line.put("queue", e.queue().toString());
        return line;
    }

    /** W3C {@code traceparent}: {@code 00-<trace id>-<span id>-<flags>}; anything else is left out. */
    private void traceIds(ObjectNode line, String traceparent) {
        String[] parts = traceparent.split("-");
        if (parts.length < 4 || parts[1].length() != 32 || parts[2].length() != 16) return;
        line.put("traceId", parts[1]);
        line.put("spanId", parts[2]);
        if (gcpProject != null) {
            line.put("logging.googleapis.com/trace", "projects/" + gcpProject + "/traces/" + parts[1]);
            line.put("logging.googleapis.com/spanId", parts[2]);
        }
    }

    private static String source(CloudEvent e) {
        return e == null || e.getSource() == null ? null : e.getSource().toString();
    }

    private static String traceparent(CloudEvent e) {
        Object v = e == null ? null : e.getExtension("traceparent");
        return v == null ? null : v.toString();
    }

    private void write(ObjectNode line) {
        try {
            sink.accept(JSON.writeValueAsString(line));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a log line", e);
        }
    }

    /** Options of {@link JsonLogListener}. */
    public static final class Builder {
        private Consumer<String> sink = System.out::println;
        private String gcpProject;

        private Builder() {
        }

        /** Where each line goes (default: standard output, where Lambda and Cloud Run collect it). */
        public Builder sink(Consumer<String> v) {
            sink = Objects.requireNonNull(v, "sink");
            return this;
        }

        /** Also write Cloud Logging's trace keys ({@code logging.googleapis.com/trace}), which name the project. */
        public Builder gcpProject(String v) {
            gcpProject = Objects.requireNonNull(v, "gcpProject");
            return this;
        }

        public JsonLogListener build() {
            return new JsonLogListener(this);
        }
    }
}
