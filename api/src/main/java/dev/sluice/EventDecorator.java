package dev.sluice;

import io.cloudevents.CloudEvent;
import java.net.URI;

/**
 * Changes each event a publisher sends (a publish, or a handler's follow-up) before it is checked against the
 * broker's limits and encoded: adds an extension such as the distributed tracing context ({@code traceparent},
 * {@code tracestate}). Register on {@code Sluice.builder().decorator(...)}; several run in the order added. Called
 * on the publishing thread (a handler's, for follow-ups), so the caller's context is current. One that throws is
 * logged and skipped: the event is sent as it was.
 */
@FunctionalInterface
public interface EventDecorator {

    /** The event to send to {@code destination} instead of {@code event} (the same id; return it unchanged to pass). */
    CloudEvent decorate(CloudEvent event, URI destination);
}
