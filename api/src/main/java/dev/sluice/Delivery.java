package dev.sluice;

import io.cloudevents.CloudEvent;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/** One delivery of an event to a handler: the event, where it came from, and what the handler may do. */
public interface Delivery {

    /** The event. */
    CloudEvent event();

    /** The queue it was received from, as configured. */
    String queue();

    /** The broker's message id. */
    String messageId();

    /**
     * The attempt, 1 for the first: the broker's delivery count less the deliveries given back unhandled (the
     * same number the retry policy and the dead-letter decision use); absent where the broker does not count
     * (never invented).
     */
    OptionalInt attempt();

    /** The event's JSON data bound to {@code type}; data that does not bind throws {@link PermanentFailureException}. */
    <T> T data(Class<T> type);

    /**
     * Publishes a follow-up event to this worker's follow-up publisher (by default the same queue) once the
     * handler returns, before this message is acknowledged: a crash in between repeats work, never loses it.
     * If the publish fails, this delivery fails and is retried.
     */
    void emit(CloudEvent event, PublishOptions options);

    /** {@link #emit(CloudEvent, PublishOptions)} with no options. */
    default void emit(CloudEvent event) {
        emit(event, PublishOptions.NONE);
    }

    /**
     * Emits a follow-up of {@code type} whose data is {@code data} as JSON. Its id is derived from this
     * event's source and id and the follow-up's position, so a redelivery emits the same ids again.
     */
    void emit(String type, Object data);

    /** Emits {@code event} through {@code publisher} (another queue), before this message is acknowledged. */
    void emit(Publisher publisher, CloudEvent event, PublishOptions options);

    /**
     * Extends this message's lease to {@code duration} from now. Rarely needed: the engine extends the lease
     * of a handler that runs long by itself, up to the queue's handler timeout. Returns false where the host
     * cannot extend a lease (a Pub/Sub push request on Cloud Run: the subscription's ack deadline bounds the
     * handler), never silently.
     */
    boolean extendLease(Duration duration);

    /** The broker's own message ({@code software.amazon.awssdk.services.sqs.model.Message}, ...) or the raw {@code InboundMessage}. */
    <T> Optional<T> unwrap(Class<T> type);
}
