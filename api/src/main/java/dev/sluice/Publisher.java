package dev.sluice;

import io.cloudevents.CloudEvent;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Publishes CloudEvents to one queue. Every event is checked (required attributes, the broker's size and
 * attribute limits, the options the broker supports) before anything is sent, and an event that fails a
 * check throws at once with a message naming the event id, the limit and the actual value. Sends are
 * batched up to the broker's maximum; concurrent single publishes share batches. Thread-safe.
 *
 * <p>Obtain one from {@code Sluice.publisher(uri)}.
 */
public interface Publisher extends AutoCloseable {

    /** The queue this publisher sends to. */
    URI uri();

    /** Publishes one event with options (ordering key, deduplication id, delay). */
    CompletableFuture<PublishResult> publish(CloudEvent event, PublishOptions options);

    /**
     * Publishes many events, in batches of the broker's maximum. Checks all of them first: if one fails a
     * check, none is sent. The future completes when every event is sent, or fails with the first failure.
     */
    CompletableFuture<List<PublishResult>> publishAll(List<OutgoingEvent> outgoing);

    /** The event {@link #publish(String, Object)} would send: {@code data} as JSON, a fresh id, this application's source. */
    CloudEvent event(String type, Object data);

    /** Publishes one event. */
    default CompletableFuture<PublishResult> publish(CloudEvent event) {
        return publish(event, PublishOptions.NONE);
    }

    /** Publishes an event of {@code type} whose data is {@code data} written as JSON, with a fresh id. */
    default CompletableFuture<PublishResult> publish(String type, Object data) {
        return publish(event(type, data), PublishOptions.NONE);
    }

    /** As {@link #publish(String, Object)}, with options. */
    default CompletableFuture<PublishResult> publish(String type, Object data, PublishOptions options) {
        return publish(event(type, data), options);
    }

    /** Waits for every accepted event to be sent (or to fail), then stops accepting. */
    @Override
    void close();
}
