package dev.sluice.runtime.cloudrun;

import dev.sluice.spi.InboundMessage;

/**
 * A message taken from a request, and what the request said about where it came from.
 *
 * @param message      the message as the pipeline takes it (not decoded: the pipeline decodes it, once)
 * @param subscription the Pub/Sub subscription that pushed it ({@code projects/p/subscriptions/s}), or null
 * @param format       how it arrived, for logs: {@code pubsub-push}, {@code pubsub-push-unwrapped},
 *                     {@code cloudevent-binary}, {@code cloudevent-structured}, {@code eventarc-pubsub}
 */
record Received(InboundMessage message, String subscription, String format) {
}
