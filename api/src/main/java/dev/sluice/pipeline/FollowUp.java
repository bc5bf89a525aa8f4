package dev.sluice.pipeline;

import dev.sluice.PublishOptions;
import dev.sluice.Publisher;
import io.cloudevents.CloudEvent;

/** A follow-up event a handler emitted, published before its source message is acked. */
record FollowUp(Publisher publisher, CloudEvent event, PublishOptions options) {
}
