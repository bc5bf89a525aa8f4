package dev.sluice.micrometer;

import dev.sluice.observe.MessagingNames;
import java.net.URI;

/**
 * The tag keys and the one mapping from a queue URI to the OpenTelemetry messaging attributes. Bounded values
 * only: a queue, a system, an operation, an outcome, an error class, an event type (which an application may
 * leave out).
 */
final class Tags {
    /** OpenTelemetry {@code messaging.system}: {@code aws_sqs}, {@code gcp_pubsub}, ... */
    static final String SYSTEM = "messaging.system";
    /** OpenTelemetry {@code messaging.destination.name}: the queue (or topic) name. */
    static final String DESTINATION = "messaging.destination.name";
    /** OpenTelemetry {@code messaging.operation.name}: {@code send}, {@code receive}, {@code process}, ... */
    static final String OPERATION = "messaging.operation.name";
    /** OpenTelemetry {@code cloudevents.event_type}. */
    static final String EVENT_TYPE = "cloudevents.event_type";
    /** OpenTelemetry {@code error.type}: here the {@link dev.sluice.ErrorCode}, lower case. */
    static final String ERROR_TYPE = "error.type";
    /** Sluice's own: how a handling was settled, {@code ack}, {@code retry} or {@code dead_letter}. */
    static final String OUTCOME = "sluice.outcome";
    /** The value of {@link #EVENT_TYPE} for a message that did not decode, or when event types are not tagged. */
    static final String NO_TYPE = "unknown";

    private Tags() {
    }

    /** The OpenTelemetry {@code messaging.system} of a queue (the one mapping, shared with tracing). */
    static String system(URI queue) {
        return MessagingNames.system(queue);
    }

    /** The destination name of a queue (the one mapping, shared with tracing). */
    static String destination(URI queue) {
        return MessagingNames.destination(queue);
    }
}
