package dev.sluice;

import dev.sluice.spi.AckFailure;
import dev.sluice.spi.Capabilities;
import dev.sluice.spi.DriverContext;
import dev.sluice.spi.DriverError;
import dev.sluice.spi.DriverProvider;
import dev.sluice.spi.InboundMessage;
import dev.sluice.spi.OutboundMessage;
import dev.sluice.spi.QueueDriver;
import dev.sluice.spi.SendResult;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/** A driver that records what it is asked to send; {@code failWith} decides per message whether a send fails. */
public final class RecordingDriver implements QueueDriver {
    public final List<List<OutboundMessage>> batches = new CopyOnWriteArrayList<>();
    public final List<String> nacks = new CopyOnWriteArrayList<>();
    public volatile Function<OutboundMessage, DriverError> failWith = m -> null;
    private final URI uri;
    private final Capabilities capabilities;

    RecordingDriver(URI uri, Capabilities capabilities) {
        this.uri = uri;
        this.capabilities = capabilities;
    }

    public List<OutboundMessage> sent() {
        List<OutboundMessage> all = new ArrayList<>();
        batches.forEach(all::addAll);
        return all;
    }

    @Override public Capabilities capabilities() { return capabilities; }
    @Override public URI uri() { return uri; }
    @Override public URI defaultDeadLetterUri() { return URI.create(uri + "-dlq"); }

    @Override
    public List<SendResult> send(List<OutboundMessage> batch) {
        List<SendResult> results = new ArrayList<>();
        List<OutboundMessage> accepted = new ArrayList<>();
        for (OutboundMessage m : batch) {
            DriverError e = failWith.apply(m);
            if (e == null) accepted.add(m);
            results.add(e == null ? SendResult.ok("id-" + m.id()) : SendResult.failed(e));
        }
        batches.add(batch);
        return results;
    }

    @Override public List<InboundMessage> receive(int max, Duration maxWait) { return List.of(); }
    @Override public List<AckFailure> ack(List<InboundMessage> batch) { return List.of(); }
    @Override public void nack(InboundMessage message, Duration delay) { nacks.add(message.messageId() + "@" + delay); }
    @Override public void extendLease(InboundMessage message, Duration lease) { }
    @Override public List<String> provision(QueueSpec spec, URI deadLetterUri) { return List.of(); }
    @Override public <T> Optional<T> unwrap(Class<T> type) { return Optional.empty(); }
    @Override public void close() { }

    /** Serves {@code fake://} with recording drivers, one per URI. */
    public static final class Provider implements DriverProvider {
        public final Map<URI, RecordingDriver> drivers = new ConcurrentHashMap<>();
        private final Capabilities capabilities;

        public Provider(Capabilities capabilities) {
            this.capabilities = capabilities;
        }

        @Override public String scheme() { return "fake"; }

        @Override
        public QueueDriver open(URI uri, DriverContext context) {
            return drivers.computeIfAbsent(uri, u -> new RecordingDriver(u, capabilities));
        }
    }
}
