package dev.sluice.observe;

import dev.sluice.DeadLetterReason;
import dev.sluice.ErrorCode;
import dev.sluice.Outcome;
import dev.sluice.Redaction;
import io.cloudevents.CloudEvent;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * Something Sluice did, for metrics, traces and logs. Every event names its queue and when it happened (on
 * the Sluice's scheduler). Events about one message ({@link OnMessage}) carry the broker's message id and,
 * once decoded, the CloudEvent's id and type: ids are for traces and logs, never metric tags.
 *
 * <p>Per message the pipeline emits, on every host: {@link Received}; then, when it decoded,
 * {@link HandlerStarted} and {@link HandlerFinished} (around the interceptors and the handler); then exactly
 * one settlement: {@link Acked}, {@link RetryScheduled} or {@link DeadLettered} (sent to the dead-letter queue,
 * then acked). A message given back unhandled (behind a failed one of its ordering key, or at shutdown) emits
 * {@link Released} only.
 */
public sealed interface SluiceEvent {

    /** The queue it happened on, as {@link Redaction} shows it (no password): listeners log and tag with it. */
    URI queue();

    /** When it happened. */
    Instant at();

    /** An event about one received message. */
    sealed interface OnMessage extends SluiceEvent {
        /** The broker's message id. */
        String messageId();

        /** The CloudEvent's id, or null when the message did not decode. */
        String eventId();

        /** The CloudEvent's type, or null when the message did not decode. */
        String eventType();

        /** The delivery attempt the pipeline counts (1 for the first). */
        int attempt();
    }

    /**
     * An event was sent to a queue (a publish or a follow-up; dead letters have {@link DeadLettered}). Emitted by
     * the sender once the broker confirmed: a consumer may already have received it.
     *
     * @param messageId the broker's id for it
     */
    record Published(URI queue, Instant at, String eventId, String eventType, String messageId) implements SluiceEvent {
        public Published {
            queue = shown(queue);
            Objects.requireNonNull(queue, "queue");
            Objects.requireNonNull(at, "at");
        }
    }

    /**
     * A message entered the pipeline.
     *
     * @param eventTime the CloudEvent's {@code time}, or null
     */
    record Received(URI queue, Instant at, String messageId, String eventId, String eventType, int attempt,
                    Instant eventTime) implements OnMessage {
        public Received {
            queue = shown(queue);
        }
    }

    /**
     * The interceptors and handler of a decoded message start, on the thread that runs them (and that then emits
     * {@link HandlerFinished}): a tracer opens its span here.
     *
     * @param event        the CloudEvent (for its extensions, e.g. the tracing context); never logged by Sluice
     * @param traceHeaders trace context the broker carried beside the event, by the broker's name for it (SQS's
     *                     {@code AWSTraceHeader}, an X-Ray header); empty when none. A tracer reads it when the
     *                     event carries no {@code traceparent}
     */
    record HandlerStarted(URI queue, Instant at, String messageId, String eventId, String eventType, int attempt,
                          CloudEvent event, Map<String, String> traceHeaders) implements OnMessage {
        public HandlerStarted {
            queue = shown(queue);
            traceHeaders = traceHeaders == null ? Map.of() : Map.copyOf(traceHeaders);
        }
    }

    /**
     * The interceptors and handler of a message returned what the pipeline decided (the settlement that
     * follows may differ: a dead letter the dead-letter queue refuses becomes a retry).
     *
     * @param outcome   ack, retry or dead letter, as decided
     * @param duration  from {@link HandlerStarted} to now
     * @param eventTime the CloudEvent's {@code time}, or null (for end-to-end latency)
     */
    record HandlerFinished(URI queue, Instant at, String messageId, String eventId, String eventType, int attempt,
                           Outcome outcome, Duration duration, Instant eventTime) implements OnMessage {
        public HandlerFinished {
            queue = shown(queue);
        }
    }

    /** The message was handled and acknowledged (for the poller: its delete queued). */
    record Acked(URI queue, Instant at, String messageId, String eventId, String eventType, int attempt)
            implements OnMessage {
        public Acked {
            queue = shown(queue);
        }
    }

    /**
     * The message will be delivered again after {@code delay} (already clamped to the broker's limit).
     *
     * @param cause the failure
     */
    record RetryScheduled(URI queue, Instant at, String messageId, String eventId, String eventType, int attempt,
                          Duration delay, Throwable cause) implements OnMessage {
        public RetryScheduled {
            queue = shown(queue);
        }
    }

    /**
     * The message was sent to the dead-letter queue {@code deadLetterQueue} with {@code reason}, then acked.
     */
    record DeadLettered(URI queue, Instant at, String messageId, String eventId, String eventType, int attempt,
                        URI deadLetterQueue, DeadLetterReason reason) implements OnMessage {
        public DeadLettered {
            queue = shown(queue);
            deadLetterQueue = shown(deadLetterQueue);
        }
    }

    /** A message was given back unhandled, for redelivery at once; not an attempt. */
    record Released(URI queue, Instant at, String messageId) implements SluiceEvent {
        public Released {
            queue = shown(queue);
        }
    }

    /** The lease of a message whose handler runs was extended to {@code lease} from now. */
    record LeaseExtended(URI queue, Instant at, String messageId, Duration lease) implements SluiceEvent {
        public LeaseExtended {
            queue = shown(queue);
        }
    }

    /**
     * A call to the broker succeeded: a receive (however many messages it brought, none included: the duration of
     * a long poll is mostly waiting), a batched ack (its tries included), a send of a batch of publishes.
     *
     * @param operation which call ({@code SEND}, {@code RECEIVE} or {@code ACK})
     * @param messages  how many messages it carried
     * @param duration  how long it took
     */
    record BrokerCallCompleted(URI queue, Instant at, Operation operation, int messages, Duration duration)
            implements SluiceEvent {
        public BrokerCallCompleted {
            queue = shown(queue);
        }
    }

    /**
     * A call to the broker failed for good: after the retry loop's tries for a send or an ack, at once for a
     * nack or a lease extension (the message comes back when its lease ends), each failed receive (the receive
     * loop tries forever).
     *
     * @param operation which call
     * @param code      the error's class
     * @param messages  how many messages the failure concerns (0 for a receive)
     * @param message   the error's text
     */
    record BrokerCallFailed(URI queue, Instant at, Operation operation, ErrorCode code, int messages, String message)
            implements SluiceEvent {
        public BrokerCallFailed {
            queue = shown(queue);
        }
    }

    /** The broker calls {@link BrokerCallFailed} reports. */
    enum Operation {
        /** Sending messages (publishes, follow-ups, dead letters). */
        SEND,
        /** Receiving messages. */
        RECEIVE,
        /** Acknowledging (deleting) messages. */
        ACK,
        /** Giving a message back with a delay. */
        NACK,
        /** Extending a message's lease. */
        EXTEND_LEASE
    }

    private static URI shown(URI queue) {
        if (queue == null) return null;
        String shown = Redaction.uri(queue);
        return shown.equals(queue.toString()) ? queue : URI.create(shown);
    }
}
