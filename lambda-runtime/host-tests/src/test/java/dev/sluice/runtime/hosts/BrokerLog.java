package dev.sluice.runtime.hosts;

import dev.sluice.DeadLetterReason;
import dev.sluice.ErrorCode;
import dev.sluice.QueueSpec;
import dev.sluice.codec.CloudEventCodec;
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
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * What the hosts asked of their brokers, in order: every send, ack, nack and lease extension, through a
 * {@link DriverProvider} that wraps the real one. It also makes a broker unreachable where a case needs it:
 * sends to a queue whose name contains {@value #REFUSING} are refused ({@link ErrorCode#PERMISSION_DENIED}, so
 * nothing retries them) without reaching the broker. Hosts add the settlements they make themselves (Lambda
 * deleting the records not reported, a push answered 204) with {@link #settled}, so one timeline holds all.
 */
final class BrokerLog {
    /** Sends to a queue whose URI contains this are refused. */
    static final String REFUSING = "refusing";

    /** {@code DEAD_ACK}: an ack through {@link QueueDriver#ackDeadLettered} (a message whose dead letter was sent). */
    enum Kind { SEND, REFUSED, ACK, DEAD_ACK, NACK, EXTEND, SETTLED, REPORTED }

    /** One call. {@code messageId} is the broker's id (for a send, the outbound message's id). */
    record Call(long seq, Kind kind, URI queue, String messageId, Duration duration, OutboundMessage sent) {
        /** The dead-letter reason a send carried, if it is a dead letter. */
        Optional<DeadLetterReason> reason() {
            return sent == null ? Optional.empty()
                    : DeadLetterReason.fromAttribute(sent.attributes().get(CloudEventCodec.DEAD_LETTER_ATTRIBUTE));
        }

        /** The CloudEvent type a send carried in binary mode, or its body in structured mode contains. */
        boolean carriesType(String type) {
            if (sent == null) return false;
            if (type.equals(sent.attributes().get("ce-type"))) return true;
            return new String(sent.body(), java.nio.charset.StandardCharsets.UTF_8).contains("\"type\":\"" + type + "\"");
        }
    }

    private final AtomicLong seq = new AtomicLong();
    private final java.util.Map<URI, java.util.concurrent.atomic.AtomicInteger> sending = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<Call> calls = new CopyOnWriteArrayList<>();

    /** The recording provider around {@code delegate}. */
    DriverProvider wrap(DriverProvider delegate) {
        return new DriverProvider() {
            @Override
            public String scheme() {
                return delegate.scheme();
            }

            @Override
            public QueueDriver open(URI uri, DriverContext context) {
                return new Recording(delegate.open(uri, context));
            }
        };
    }

    /** The next number of the sequence calls are numbered by. */
    long next() {
        return seq.incrementAndGet();
    }

    /** Messages the hosts have sent, or are sending, to {@code queue} (counted before the broker has them). */
    int sendsTo(URI queue) {
        java.util.concurrent.atomic.AtomicInteger n = sending.get(queue);
        return n == null ? 0 : n.get();
    }

    long mark() {
        return seq.get();
    }

    List<Call> since(long mark) {
        return calls.stream().filter(c -> c.seq > mark).toList();
    }

    List<Call> all() {
        return List.copyOf(calls);
    }

    /** Records a settlement the host made outside the driver (Lambda deleting a record, a 2xx push answer). */
    long settled(URI queue, String messageId) {
        return add(Kind.SETTLED, queue, messageId, null, null);
    }

    /** Records that the host asked for a message to come again outside the driver (a reported record, a 503). */
    long reported(URI queue, String messageId) {
        return add(Kind.REPORTED, queue, messageId, null, null);
    }

    private synchronized long add(Kind kind, URI queue, String id, Duration d, OutboundMessage sent) {
        long n = seq.incrementAndGet();
        calls.add(new Call(n, kind, queue, id, d, sent));
        return n;
    }

    private final class Recording implements QueueDriver {
        private final QueueDriver d;
        private final boolean refusing;

        Recording(QueueDriver d) {
            this.d = d;
            this.refusing = d.uri().toString().contains(REFUSING);
        }

        @Override
        public Capabilities capabilities() {
            return d.capabilities();
        }

        @Override
        public URI uri() {
            return d.uri();
        }

        @Override
        public URI defaultDeadLetterUri() {
            return d.defaultDeadLetterUri();
        }

        @Override
        public List<SendResult> send(List<OutboundMessage> batch) {
            if (refusing) {
                batch.forEach(m -> add(Kind.REFUSED, d.uri(), m.id(), null, m));
                return batch.stream().map(m -> SendResult.failed(new DriverError(ErrorCode.PERMISSION_DENIED,
                        "queue " + d.uri() + " refuses every send (host contract test)"))).toList();
            }
            sending.computeIfAbsent(d.uri(), u -> new java.util.concurrent.atomic.AtomicInteger()).addAndGet(batch.size());
            List<SendResult> results = d.send(batch);
            for (int i = 0; i < batch.size(); i++) {
                if (i < results.size() && results.get(i).succeeded()) add(Kind.SEND, d.uri(), batch.get(i).id(), null, batch.get(i));
            }
            return results;
        }

        @Override
        public List<InboundMessage> receive(int max, Duration maxWait) throws InterruptedException {
            return d.receive(max, maxWait);
        }

        @Override
        public List<AckFailure> ack(List<InboundMessage> batch) {
            return acked(batch, d.ack(batch), Kind.ACK);
        }

        @Override
        public List<AckFailure> ackDeadLettered(List<InboundMessage> batch) {
            return acked(batch, d.ackDeadLettered(batch), Kind.DEAD_ACK);
        }

        private List<AckFailure> acked(List<InboundMessage> batch, List<AckFailure> failures, Kind kind) {
            List<String> failed = new ArrayList<>();
            failures.forEach(f -> failed.add(f.message().messageId()));
            batch.stream().filter(m -> !failed.contains(m.messageId())).forEach(m -> add(kind, d.uri(), m.messageId(), null, null));
            return failures;
        }

        @Override
        public void nack(InboundMessage message, Duration delay) {
            d.nack(message, delay);
            add(Kind.NACK, d.uri(), message.messageId(), delay, null);
        }

        @Override
        public void extendLease(InboundMessage message, Duration lease) {
            d.extendLease(message, lease);
            add(Kind.EXTEND, d.uri(), message.messageId(), lease, null);
        }

        @Override
        public List<String> provision(QueueSpec spec, URI deadLetterUri) {
            return d.provision(spec, deadLetterUri);
        }

        @Override
        public <T> Optional<T> unwrap(Class<T> type) {
            return d.unwrap(type);
        }

        @Override
        public void close() {
            d.close();
        }
    }
}
