package dev.sluice.core;

import dev.sluice.ErrorCode;
import dev.sluice.EventDecorator;
import dev.sluice.Events;
import dev.sluice.OutgoingEvent;
import dev.sluice.PublishOptions;
import dev.sluice.PublishResult;
import dev.sluice.Publisher;
import dev.sluice.SluiceException;

import dev.sluice.codec.CloudEventCodec;
import dev.sluice.crypto.PayloadEncryption;
import dev.sluice.observe.SluiceEvent;
import dev.sluice.observe.SluiceListener;
import dev.sluice.spi.Capabilities;
import dev.sluice.spi.OutboundMessage;
import dev.sluice.spi.QueueDriver;
import dev.sluice.spi.WireSizes;
import io.cloudevents.CloudEvent;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Publisher} of one queue: checks, encodes with the codec, and sends through the queue's
 * {@link SendBatcher}; reports each event the broker took ({@link SluiceEvent.Published}). Events pass the
 * {@link EventDecorator}s first, each shielded (one that throws is logged and skipped), then, on an encrypted
 * queue, {@link PayloadEncryption} (last, so nothing after it sees the plaintext).
 */
final class QueuePublisher implements Publisher {
    private static final Logger log = LoggerFactory.getLogger(QueuePublisher.class);
    private final QueueDriver driver;
    private final CloudEventCodec codec;
    private final Events events;
    private final SendBatcher batcher;
    private final SluiceListener listener;
    private final List<EventDecorator> decorators;
    private final PayloadEncryption encryption;

    /** @param encryption encrypts each event's data, for an encrypted queue; else null */
    QueuePublisher(QueueDriver driver, Events events, SendBatcher batcher, SluiceListener listener,
                   List<EventDecorator> decorators, PayloadEncryption encryption) {
        this.driver = driver;
        this.encryption = encryption;
        this.listener = listener;
        this.decorators = List.copyOf(decorators);
        this.codec = new CloudEventCodec(driver.capabilities());
        this.events = events;
        this.batcher = batcher;
    }

    @Override
    public URI uri() {
        return driver.uri();
    }

    @Override
    public CompletableFuture<PublishResult> publish(CloudEvent event, PublishOptions options) {
        return reported(event, batcher.submit(List.of(prepare(new OutgoingEvent(event, options)))).get(0));
    }

    @Override
    public CompletableFuture<List<PublishResult>> publishAll(List<OutgoingEvent> outgoing) {
        List<OutboundMessage> messages = new ArrayList<>(outgoing.size());
        for (OutgoingEvent o : outgoing) messages.add(prepare(o));
        List<CompletableFuture<PublishResult>> submitted = batcher.submit(messages);
        List<CompletableFuture<PublishResult>> futures = new ArrayList<>(submitted.size());
        for (int i = 0; i < submitted.size(); i++) futures.add(reported(outgoing.get(i).event(), submitted.get(i)));
        return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
                .thenApply(v -> futures.stream().map(CompletableFuture::join).toList());
    }

    /** The event after every decorator; a decorator that throws or returns null is skipped. */
    private CloudEvent decorated(CloudEvent event) {
        CloudEvent e = event;
        for (EventDecorator d : decorators) {
            try {
                CloudEvent next = d.decorate(e, driver.uri());
                if (next != null) e = next;
            } catch (RuntimeException ex) {
                log.warn("event decorator {} failed on event {} to {}; skipped", d, event.getId(), driver.uri(), ex);
            }
        }
        return e;
    }

    /** Reports the send once the broker took it, before the caller sees the result. */
    private CompletableFuture<PublishResult> reported(CloudEvent event, CompletableFuture<PublishResult> sent) {
        return sent.thenApply(r -> {
            listener.onEvent(new SluiceEvent.Published(driver.uri(), batcher.now(), event.getId(), event.getType(),
                    r.messageId()));
            return r;
        });
    }

    @Override
    public CloudEvent event(String type, Object data) {
        return events.create(type, data);
    }

    @Override
    public void close() {
        batcher.close();
    }

    private OutboundMessage prepare(OutgoingEvent o) {
        Capabilities caps = driver.capabilities();
        String id = o.event().getId();
        checkOptions(id, o.options(), caps);
        CloudEvent event = decorated(o.event());
        if (encryption != null) event = encryption.encrypt(event);
        OutboundMessage m = codec.encode(event, withDefaultDeduplicationId(o.options(), caps));
        checkLimits(m, caps);
        return m;
    }

    /**
     * The one deduplication rule, the same on every broker: a publish is deduplicated against another only
     * when both carry the same deduplication id (within the broker's window, where the broker deduplicates;
     * elsewhere a deduplication id is refused). Without one, the same event published twice is delivered
     * twice everywhere, and the idempotency interceptor is the tool. On a broker that deduplicates, such a
     * publish still gets an id of its own, so that the send retries of this one publish are not duplicated.
     */
    static PublishOptions withDefaultDeduplicationId(PublishOptions options, Capabilities caps) {
        if (!caps.deduplication() || options.deduplicationId() != null) return options;
        return options.withDeduplicationId("publish-" + UUID.randomUUID());
    }

    private static void checkOptions(String id, PublishOptions options, Capabilities caps) {
        if (options.orderingKey() != null) {
            if (!caps.ordering()) {
                throw invalid(id, caps.broker() + " does not keep order, so it takes no ordering key (got '"
                        + options.orderingKey() + "'); use a broker with ordering (an SQS FIFO queue, Pub/Sub with"
                        + " ordering, mem://) or drop the key");
            }
            if (options.orderingKey().length() > caps.maxOrderingKeyLength()) {
                throw invalid(id, "ordering key is " + options.orderingKey().length() + " characters; "
                        + caps.broker() + " allows at most " + caps.maxOrderingKeyLength());
            }
        }
        if (options.deduplicationId() != null && !caps.deduplication()) {
            throw invalid(id, caps.broker() + " does not deduplicate, so it takes no deduplication id; use an"
                    + " idempotent handler or the idempotency interceptor");
        }
        if (!options.delay().isZero()) {
            if (!caps.delays()) {
                throw invalid(id, caps.broker() + " has no per-message delay (got " + options.delay() + ")");
            }
            if (options.delay().compareTo(caps.maxDelay()) > 0) {
                throw invalid(id, "delay is " + options.delay().toSeconds() + "s; " + caps.broker()
                        + " allows at most " + caps.maxDelay().toSeconds() + "s");
            }
        }
    }

    /** Checks an encoded message against the broker's limits. */
    static void checkLimits(OutboundMessage m, Capabilities caps) {
        int size = m.encodedSize();
        if (size > caps.maxMessageBytes()) {
            throw invalid(m.id(), "encoded size is " + size + " bytes; " + caps.broker() + " accepts at most "
                    + caps.maxMessageBytes() + " bytes per message (data plus attributes)");
        }
        if (m.attributes().size() > caps.maxAttributes()) {
            throw invalid(m.id(), m.attributes().size() + " attributes; " + caps.broker() + " allows at most "
                    + caps.maxAttributes());
        }
        for (var e : m.attributes().entrySet()) {
            int k = WireSizes.utf8(e.getKey());
            if (k > caps.maxAttributeKeyBytes()) {
                throw invalid(m.id(), "attribute key '" + e.getKey() + "' is " + k + " bytes; " + caps.broker()
                        + " allows at most " + caps.maxAttributeKeyBytes());
            }
            int v = WireSizes.utf8(e.getValue());
            if (v > caps.maxAttributeValueBytes()) {
                throw invalid(m.id(), "attribute '" + e.getKey() + "' value is " + v + " bytes; " + caps.broker()
                        + " allows at most " + caps.maxAttributeValueBytes());
            }
        }
    }

    private static SluiceException invalid(String id, String what) {
        return new SluiceException(ErrorCode.INVALID, "event '" + id + "': " + what);
    }

    /** The exception a message that could not be sent completes with. */
    static SluiceException failure(OutboundMessage m, dev.sluice.spi.DriverError error) {
        return new SluiceException(error.code(), "event '" + m.id() + "' was not sent: " + error.message(), error.cause());
    }

    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
}
