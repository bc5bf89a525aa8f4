package dev.sluice;

import io.cloudevents.CloudEvent;
import java.util.Objects;

/**
 * An event with its per-message options, for {@link Publisher#publishAll(java.util.List)}.
 *
 * @param event   the event
 * @param options its options
 */
public record OutgoingEvent(CloudEvent event, PublishOptions options) {

    public OutgoingEvent {
        Objects.requireNonNull(event, "event");
        options = options == null ? PublishOptions.NONE : options;
    }

    public static OutgoingEvent of(CloudEvent event) {
        return new OutgoingEvent(event, PublishOptions.NONE);
    }
}
