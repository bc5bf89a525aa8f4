package dev.sluice.redis;

import dev.sluice.ErrorCode;
import dev.sluice.QueueDepth;
import dev.sluice.QueueSpec;
import dev.sluice.SluiceException;
import dev.sluice.spi.AckFailure;
import dev.sluice.spi.Capabilities;
import dev.sluice.spi.DriverContext;
import dev.sluice.spi.DriverError;
import dev.sluice.spi.InboundMessage;
import dev.sluice.spi.OutboundMessage;
import dev.sluice.spi.QueueDriver;
import dev.sluice.spi.SendResult;
import io.lettuce.core.Consumer;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.models.stream.PendingMessages;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver for one queue on Redis Streams: one stream, one consumer group, and the scripts of
 * {@link RedisScripts}. Sends are XADD (or a script when a delay or deduplication id needs more); receives are
 * a script (move due delayed messages, take over expired leases) then XREADGROUP; acks, nacks and lease
 * extensions are scripts that first check the delivery is still the current one. It does not retry and does not
 * encode CloudEvents.
 */
final class RedisDriver implements QueueDriver {
    private static final Logger log = LoggerFactory.getLogger(RedisDriver.class);
    /** The longest one blocking read waits before the delayed set is looked at again: delays are this precise. */
    static final Duration POLL = Duration.ofSeconds(1);
    /**
     * How often one driver runs the receive script (delayed messages due, leases ended) at most; the receives in
     * between only read. Saves a round trip and a PEL scan per receive on a busy queue.
     */
    static final Duration PREPARE_INTERVAL = Duration.ofMillis(100);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration DEFAULT_LEASE = QueueSpec.builder("redis://localhost/default").build().lease();
    static final String BODY = "sluice:body";
    static final String ID = "sluice:id";
    static final String ATTEMPTS = "sluice:attempts";
    static final String TIME = "sluice:time";
    static final String RESERVED_PREFIX = "sluice:";

    private final RedisAddress address;
    private final RedisClients clients;
    private final DriverContext context;
    private final String consumer;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ConcurrentLinkedDeque<StatefulRedisConnection<String, byte[]>> idleReaders = new ConcurrentLinkedDeque<>();
    private final Set<StatefulRedisConnection<String, byte[]>> readers = ConcurrentHashMap.newKeySet();
    private volatile RedisClients.Shared shared;
    private volatile long leaseMs = DEFAULT_LEASE.toMillis();
    private final AtomicLong nextPrepare = new AtomicLong(System.nanoTime());

    RedisDriver(RedisAddress address, RedisClients clients, DriverContext context) {
        this.address = address;
        this.clients = clients;
        this.context = context;
        this.consumer = consumerName();
    }

    @Override
    public Capabilities capabilities() {
        return RedisCapabilities.STREAMS;
    }

    /**
     * What the stream tells: in flight = the group's pending entries (received, not acknowledged); visible = the
     * stream's length less those (an acknowledged entry is deleted, so the stream holds only what is waiting or in
     * flight); delayed = the delayed set (delays and retries' backoff); the oldest age from the first entry's id,
     * which is when Redis added it (a retry is added again when its backoff ends). Four calls, not atomic together.
     */
    @Override
    public QueueDepth depth() {
        RedisAsyncCommands<String, byte[]> redis = connection().async();
        CompletableFuture<Long> length = redis.xlen(address.name()).toCompletableFuture();
        CompletableFuture<PendingMessages> pending = redis.xpending(address.name(), address.group()).toCompletableFuture();
        CompletableFuture<Long> delayed = redis.zcard(address.delayedKey()).toCompletableFuture();
        CompletableFuture<List<StreamMessage<String, byte[]>>> first =
                redis.xrange(address.name(), Range.unbounded(), Limit.from(1)).toCompletableFuture();
        long inFlight = await(pending, "XPENDING").getCount();
        long total = await(length, "XLEN");
        List<StreamMessage<String, byte[]>> oldest = await(first, "XRANGE");
        Optional<Duration> age = oldest.isEmpty() ? Optional.empty() : Optional.of(Duration.between(
                entryTime(oldest.get(0).getId()), context.scheduler().now())).map(d -> d.isNegative() ? Duration.ZERO : d);
        return new QueueDepth(uri(), OptionalLong.of(Math.max(0, total - inFlight)), OptionalLong.of(inFlight),
                OptionalLong.of(await(delayed, "ZCARD")), age, "");
    }

    @Override
    public URI uri() {
        return address.uri();
    }

    @Override
    public URI defaultDeadLetterUri() {
        return address.defaultDeadLetterUri();
    }

    // ---- send ------------------------------------------------------------------------------------

    @Override
    public List<SendResult> send(List<OutboundMessage> batch) {
        SendResult[] results = new SendResult[batch.size()];
        RedisClients.Shared s;
        try {
            s = shared();
        } catch (SluiceException e) {
            DriverError error = new DriverError(e.code(), e.getMessage(), e);
            return batch.stream().map(m -> SendResult.failed(error)).toList();
        }
        RedisAsyncCommands<String, byte[]> redis = s.connection().async();
        List<CompletableFuture<SendResult>> pending = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            OutboundMessage m = batch.get(i);
            String invalid = invalid(m);
            if (invalid != null) {
                results[i] = SendResult.failed(new DriverError(ErrorCode.INVALID, invalid));
                pending.add(null);
                continue;
            }
            Map<String, byte[]> fields = fields(m);
            if (m.delay().isZero() && m.deduplicationId() == null) {
                pending.add(redis.xadd(address.name(), XAddArgs.Builder.nomkstream(), fields).toCompletableFuture()
                        .thenApply(id -> id == null ? missing(m) : SendResult.ok(id)));
            } else {
                List<byte[]> args = new ArrayList<>();
                args.add(bytes(String.valueOf(m.delay().toMillis())));
                args.add(bytes(m.deduplicationId() == null ? "0" : String.valueOf(RedisCapabilities.DEDUP_WINDOW.toMillis())));
                args.add(bytes(UUID.randomUUID().toString()));
                fields.forEach((k, v) -> {
                    args.add(bytes(k));
                    args.add(v);
                });
                String dedupKey = m.deduplicationId() == null ? address.name() : address.dedupKey(m.deduplicationId());
                pending.add(this.<List<Object>>eval(s.connection(), RedisScripts.SEND, ScriptOutputType.MULTI,
                        new String[] {address.name(), address.delayedKey(), dedupKey}, args.toArray(byte[][]::new))
                        .thenApply(reply -> {
                            String outcome = string(reply.get(0));
                            return "missing".equals(outcome) ? missing(m) : SendResult.ok(string(reply.get(1)));
                        }));
            }
        }
        for (int i = 0; i < batch.size(); i++) {
            if (pending.get(i) == null) continue;
            try {
                results[i] = pending.get(i).get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                results[i] = SendResult.failed(new DriverError(ErrorCode.UNAVAILABLE, "XADD on " + address.describe()
                        + " interrupted; the message may or may not have been stored", e));
            } catch (ExecutionException | TimeoutException e) {
                results[i] = SendResult.failed(RedisErrors.error(e, "XADD", address));
            }
        }
        return List.of(results);
    }

    /** Why Redis (or Sluice's layout on it) cannot take {@code m}, or null. */
    private String invalid(OutboundMessage m) {
        if (m.encodedSize() > RedisCapabilities.MAX_MESSAGE_BYTES) {
            return "message " + m.id() + " is " + m.encodedSize() + " bytes (body, attribute names and values); "
                    + address.describe() + " accepts at most " + RedisCapabilities.MAX_MESSAGE_BYTES + " bytes; store the"
                    + " payload elsewhere and send a reference";
        }
        if (m.orderingKey() != null) {
            return "message " + m.id() + " has ordering key '" + m.orderingKey() + "'; Redis Streams queues keep no"
                    + " per-key order in Sluice, so they take no ordering key (use one stream per key, or a broker that"
                    + " orders per key)";
        }
        if (m.delay().compareTo(RedisCapabilities.MAX_DELAY) > 0) {
            return "message " + m.id() + " has a delay of " + m.delay() + "; " + address.describe() + " allows at most "
                    + RedisCapabilities.MAX_DELAY;
        }
        if (m.delay().isNegative()) return "message " + m.id() + " has a negative delay " + m.delay();
        for (String key : m.attributes().keySet()) {
            if (key.startsWith(RESERVED_PREFIX)) {
                return "message " + m.id() + " has attribute '" + key + "'; names starting with '" + RESERVED_PREFIX
                        + "' are the driver's own stream fields";
            }
        }
        return null;
    }

    private SendResult missing(OutboundMessage m) {
        return SendResult.failed(new DriverError(ErrorCode.NOT_FOUND, address.describe() + " does not exist, so message "
                + m.id() + " was not sent: start a worker on it (QueueSpec provisioning CREATE_IF_MISSING) or run XGROUP"
                + " CREATE " + address.name() + " " + address.group() + " 0 MKSTREAM"));
    }

    /** The stream fields of a message: its attributes as they are, and the body under {@value #BODY}. */
    private static Map<String, byte[]> fields(OutboundMessage m) {
        Map<String, byte[]> fields = new LinkedHashMap<>();
        m.attributes().forEach((k, v) -> fields.put(k, bytes(v)));
        fields.put(BODY, m.body());
        return fields;
    }

    // ---- receive ---------------------------------------------------------------------------------

    @Override
    public List<InboundMessage> receive(int max, Duration maxWait) throws InterruptedException {
        if (Thread.interrupted()) throw new InterruptedException();
        int n = Math.max(1, Math.min(max, RedisCapabilities.MAX_BATCH));
        RedisClients.Shared s = shared();
        long deadline = System.nanoTime() + Math.max(0, maxWait.toNanos());
        while (true) {
            if (Thread.interrupted()) throw new InterruptedException();
            List<InboundMessage> out = new ArrayList<>();
            long cap = POLL.toMillis();
            long now = System.nanoTime();
            long due = nextPrepare.get();
            if (now - due >= 0 && nextPrepare.compareAndSet(due, now + PREPARE_INTERVAL.toNanos())) {
                List<Object> prepared = awaitInterruptibly(eval(s.connection(), RedisScripts.PREPARE, ScriptOutputType.MULTI,
                        new String[] {address.name(), address.delayedKey(), address.leasesKey()},
                        bytes(address.group()), bytes(consumer), bytes(String.valueOf(leaseMs)), bytes(String.valueOf(n))),
                        "receive (XAUTOCLAIM)");
                for (Object o : (List<?>) prepared.get(0)) out.add(reclaimed((List<?>) o));
                long nextDue = (Long) prepared.get(1);
                long serverNow = (Long) prepared.get(2);
                if (nextDue >= 0) cap = Math.max(1, Math.min(cap, nextDue - serverNow));
                if (out.size() == n) nextPrepare.set(now); // more may be waiting to be taken over
            } else {
                cap = Math.max(1, Math.min(cap, TimeUnit.NANOSECONDS.toMillis(nextPrepare.get() - now) + 1));
            }
            long block = 0;
            long leftMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (out.isEmpty() && leftMs > 0) block = Math.min(leftMs, cap);
            if (out.size() < n) out.addAll(read(s, n - out.size(), block));
            if (!out.isEmpty() || System.nanoTime() - deadline >= 0) return out;
        }
    }

    /** XREADGROUP of new entries; a blocking read takes a connection of its own. */
    private List<InboundMessage> read(RedisClients.Shared s, int count, long blockMs) throws InterruptedException {
        StatefulRedisConnection<String, byte[]> connection = blockMs > 0 ? reader(s) : s.connection();
        XReadArgs args = XReadArgs.Builder.count(count);
        if (blockMs > 0) args.block(blockMs);
        CompletableFuture<List<StreamMessage<String, byte[]>>> call = connection.async()
                .xreadgroup(Consumer.from(address.group(), consumer), args, XReadArgs.StreamOffset.lastConsumed(address.name()))
                .toCompletableFuture();
        boolean giveBack = connection != s.connection();
        try {
            List<StreamMessage<String, byte[]>> got = call.get(blockMs + CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            List<InboundMessage> out = new ArrayList<>(got == null ? 0 : got.size());
            if (got != null) for (StreamMessage<String, byte[]> m : got) out.add(inbound(m, 1));
            return out;
        } catch (InterruptedException e) {
            if (giveBack) abandon(call, connection);
            giveBack = false;
            throw e;
        } catch (ExecutionException e) {
            throw RedisErrors.exception(e, "XREADGROUP", address);
        } catch (TimeoutException e) {
            if (giveBack) discard(connection);
            giveBack = false;
            throw new SluiceException(ErrorCode.UNAVAILABLE, "XREADGROUP on " + address.describe() + " got no answer in "
                    + (blockMs + CALL_TIMEOUT.toMillis()) + " ms", e);
        } finally {
            if (giveBack) giveBack(connection);
        }
    }

    /**
     * A blocking read abandoned by an interrupt still runs to its end; what it brings goes back to the stream at
     * once, not counted as a delivery (nobody saw it), and the connection goes back to the pool.
     */
    private void abandon(CompletableFuture<List<StreamMessage<String, byte[]>>> call,
                         StatefulRedisConnection<String, byte[]> connection) {
        call.whenComplete((got, error) -> {
            if (got != null && !closed.get()) {
                for (StreamMessage<String, byte[]> m : got) {
                    giveBackUnseen(inbound(m, 1));
                }
            }
            giveBack(connection);
        });
    }

    private void giveBackUnseen(InboundMessage m) {
        Handle h = Handle.parse(m.ackHandle());
        RedisClients.Shared s = shared;
        if (h == null || s == null) return;
        eval(s.connection(), RedisScripts.NACK, ScriptOutputType.INTEGER,
                new String[] {address.name(), address.delayedKey(), address.leasesKey()},
                bytes(address.group()), bytes(h.id()), bytes(String.valueOf(h.count())), bytes("0"), bytes("1"))
                .whenComplete((r, e) -> {
                    if (e != null) log.debug("could not give back message {} of an abandoned receive on {}; it comes back"
                            + " when its lease ends: {}", m.messageId(), address.describe(), e.toString());
                });
    }

    private InboundMessage reclaimed(List<?> entry) {
        String id = string(entry.get(0));
        List<?> flat = (List<?>) entry.get(1);
        Map<String, byte[]> body = new LinkedHashMap<>();
        for (int i = 0; i + 1 < flat.size(); i += 2) body.put(string(flat.get(i)), (byte[]) flat.get(i + 1));
        long count = (Long) entry.get(2);
        return inbound(new StreamMessage<>(address.name(), id, body), count);
    }

    /** The one translation of a stream entry, delivered for the {@code count}th time, into an {@link InboundMessage}. */
    private InboundMessage inbound(StreamMessage<String, byte[]> m, long count) {
        Map<String, String> attributes = new LinkedHashMap<>();
        byte[] body = new byte[0];
        String messageId = m.getId();
        long prior = 0;
        Instant publishTime = entryTime(m.getId());
        for (var f : m.getBody().entrySet()) {
            String k = f.getKey();
            byte[] v = f.getValue() == null ? new byte[0] : f.getValue();
            switch (k) {
                case BODY -> body = v;
                case ID -> messageId = string(v);
                case ATTEMPTS -> prior = parseLong(string(v), 0);
                case TIME -> publishTime = Instant.ofEpochMilli(parseLong(string(v), publishTime.toEpochMilli()));
                default -> {
                    if (!k.startsWith(RESERVED_PREFIX)) attributes.put(k, string(v));
                }
            }
        }
        return new InboundMessage(messageId, body, attributes, null, OptionalInt.of((int) Math.min(Integer.MAX_VALUE, prior + count)),
                publishTime, new Handle(m.getId(), count).toString(), m);
    }

    // ---- ack, nack, leases -------------------------------------------------------------------------

    @Override
    public List<AckFailure> ack(List<InboundMessage> batch) {
        if (batch.isEmpty()) return List.of();
        List<AckFailure> failures = new ArrayList<>();
        List<InboundMessage> sent = new ArrayList<>();
        List<byte[]> args = new ArrayList<>();
        args.add(bytes(address.group()));
        for (InboundMessage m : batch) {
            Handle h = Handle.parse(m.ackHandle());
            if (h == null) {
                failures.add(new AckFailure(m, new DriverError(ErrorCode.INVALID, "'" + m.ackHandle()
                        + "' is not a delivery of " + address.describe())));
                continue;
            }
            sent.add(m);
            args.add(bytes(h.id()));
            args.add(bytes(String.valueOf(h.count())));
        }
        if (sent.isEmpty()) return failures;
        List<Object> stale;
        try {
            stale = await(eval(connection(), RedisScripts.ACK, ScriptOutputType.MULTI,
                    new String[] {address.name(), address.leasesKey()}, args.toArray(byte[][]::new)), "XACK");
        } catch (SluiceException e) {
            DriverError error = new DriverError(e.code(), e.getMessage(), e);
            sent.forEach(m -> failures.add(new AckFailure(m, error)));
            return failures;
        }
        for (Object position : stale) {
            InboundMessage m = sent.get(((Long) position).intValue());
            failures.add(new AckFailure(m, new DriverError(ErrorCode.NOT_FOUND, "XACK of message " + m.messageId()
                    + " on " + address.describe() + ": its lease ended first, so it was or will be delivered again")));
        }
        return failures;
    }

    @Override
    public void nack(InboundMessage message, Duration delay) {
        Handle h = handle(message);
        long ms = Math.max(0, Math.min(delay.toMillis(), RedisCapabilities.MAX_DELAY.toMillis()));
        Long done = await(eval(connection(), RedisScripts.NACK, ScriptOutputType.INTEGER,
                new String[] {address.name(), address.delayedKey(), address.leasesKey()},
                bytes(address.group()), bytes(h.id()), bytes(String.valueOf(h.count())), bytes(String.valueOf(ms)),
                bytes("0")), "nack");
        if (done == 0) throw leaseEnded(message, "nack");
    }

    @Override
    public void extendLease(InboundMessage message, Duration lease) {
        Handle h = handle(message);
        Long done = await(eval(connection(), RedisScripts.EXTEND, ScriptOutputType.INTEGER,
                new String[] {address.name(), address.leasesKey()},
                bytes(address.group()), bytes(consumer), bytes(h.id()), bytes(String.valueOf(h.count())),
                bytes(String.valueOf(lease.toMillis())), bytes(String.valueOf(leaseMs))), "XCLAIM");
        if (done == 0) throw leaseEnded(message, "extending the lease");
    }

    private Handle handle(InboundMessage m) {
        Handle h = Handle.parse(m.ackHandle());
        if (h == null) {
            throw new SluiceException(ErrorCode.INVALID, "'" + m.ackHandle() + "' is not a delivery of " + address.describe());
        }
        return h;
    }

    private SluiceException leaseEnded(InboundMessage m, String action) {
        return new SluiceException(ErrorCode.NOT_FOUND, action + " of message " + m.messageId() + " on "
                + address.describe() + ": its lease ended first, so it was or will be delivered again");
    }

    /** A delivery: the entry id and the PEL delivery count when it was handed out. */
    record Handle(String id, long count) {
        static Handle parse(String handle) {
            int slash = handle.lastIndexOf('/');
            if (slash <= 0) return null;
            try {
                return new Handle(handle.substring(0, slash), Long.parseLong(handle.substring(slash + 1)));
            } catch (NumberFormatException e) {
                return null;
            }
        }

        @Override
        public String toString() {
            return id + "/" + count;
        }
    }

    // ---- provisioning, escape hatches, lifecycle ---------------------------------------------------------

    @Override
    public List<String> provision(QueueSpec spec, URI deadLetterUri) {
        leaseMs = spec.lease().toMillis();
        boolean create = spec.provisioning() == QueueSpec.Provisioning.CREATE_IF_MISSING;
        List<String> mismatches = new ArrayList<>();
        if (deadLetterUri != null && ("redis".equals(deadLetterUri.getScheme()) || "rediss".equals(deadLetterUri.getScheme()))) {
            RedisAddress dlq = RedisAddress.parse(deadLetterUri, context);
            if (dlq.server().equals(address.server())) {
                ensure(dlq, connection(), create, spec, mismatches);
            } else {
                RedisClients.Shared other = clients.acquire(dlq);
                try {
                    ensure(dlq, other.connection(), create, spec, mismatches);
                } finally {
                    clients.release(dlq.server());
                }
            }
        } else if (deadLetterUri != null) {
            log.info("dead-letter queue {} of {} is not a Redis stream; Sluice dead-letters messages there itself",
                    deadLetterUri, address.describe());
        }
        ensure(address, connection(), create, spec, mismatches);
        return mismatches;
    }

    /** Creates the stream and group (XGROUP CREATE ... 0 MKSTREAM: idempotent), or checks they exist. */
    private void ensure(RedisAddress a, StatefulRedisConnection<String, byte[]> connection, boolean create, QueueSpec spec,
                        List<String> mismatches) {
        RedisAsyncCommands<String, byte[]> redis = connection.async();
        String type = await(redis.type(a.name()).toCompletableFuture(), "TYPE");
        if (!"none".equals(type) && !"stream".equals(type)) {
            mismatches.add("key '" + a.name() + "' on " + a.server().describe() + " is a " + type + ", not a stream;"
                    + " pick another queue name or delete the key");
            return;
        }
        if (create) {
            try {
                await(redis.xgroupCreate(XReadArgs.StreamOffset.from(a.name(), "0"), a.group(),
                        XGroupCreateArgs.Builder.mkstream()).toCompletableFuture(), "XGROUP CREATE");
                log.info("created {}", a.describe());
            } catch (SluiceException e) {
                if (e.getMessage() == null || !e.getMessage().contains("BUSYGROUP")) throw e;
            }
            return;
        }
        boolean group = false;
        if ("stream".equals(type)) {
            List<Object> groups = await(redis.xinfoGroups(a.name()).toCompletableFuture(), "XINFO GROUPS");
            for (Object g : groups) group |= hasName(g, a.group());
        }
        if (!group) {
            mismatches.add(a.describe() + " does not exist and provisioning is " + spec.provisioning()
                    + ", so Sluice creates nothing; create it with XGROUP CREATE " + a.name() + " " + a.group() + " 0 MKSTREAM");
        }
    }

    private static boolean hasName(Object info, String name) {
        if (info instanceof Map<?, ?> map) {
            Object v = map.get("name");
            return v != null && name.equals(v instanceof byte[] b ? string(b) : v.toString());
        }
        if (info instanceof List<?> list) {
            for (int i = 0; i + 1 < list.size(); i += 2) {
                Object k = list.get(i);
                String key = k instanceof byte[] b ? string(b) : String.valueOf(k);
                if ("name".equals(key)) {
                    Object v = list.get(i + 1);
                    return name.equals(v instanceof byte[] b ? string(b) : String.valueOf(v));
                }
            }
        }
        return false;
    }

    /**
     * {@link RedisClient} and {@link StatefulRedisConnection} (the shared connection: don't block on it), and
     * {@link String}: the stream's key.
     */
    @Override
    public <T> Optional<T> unwrap(Class<T> type) {
        if (type == RedisClient.class) return Optional.of(type.cast(shared().client()));
        if (type == StatefulRedisConnection.class || type == StatefulConnection.class) {
            return Optional.of(type.cast(shared().connection()));
        }
        if (type == String.class) return Optional.of(type.cast(address.name()));
        return Optional.empty();
    }

    /**
     * Leaves the group if this driver's consumer holds nothing (a consumer that holds deliveries stays, so that
     * they can be taken over when their lease ends), closes the blocking connections and gives the client back.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        RedisClients.Shared s;
        synchronized (this) {
            s = shared;
        }
        if (s == null) return;
        try {
            eval(s.connection(), RedisScripts.LEAVE, ScriptOutputType.INTEGER, new String[] {address.name()},
                    bytes(address.group()), bytes(consumer)).get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.debug("could not remove consumer {} from {}: {}", consumer, address.describe(), e.toString());
        }
        readers.forEach(this::discard);
        idleReaders.clear();
        clients.release(address.server());
    }

    @Override
    public String toString() {
        return "RedisDriver[" + address.describe() + "]";
    }

    // ---- helpers ----------------------------------------------------------------------------------------

    /** The shared client and connection, acquired on first use. */
    private RedisClients.Shared shared() {
        if (closed.get()) throw new IllegalStateException("the driver for " + address.describe() + " is closed");
        RedisClients.Shared s = shared;
        if (s != null) return s;
        synchronized (this) {
            if (shared == null) {
                if (closed.get()) throw new IllegalStateException("the driver for " + address.describe() + " is closed");
                shared = clients.acquire(address);
            }
            return shared;
        }
    }

    private StatefulRedisConnection<String, byte[]> connection() {
        return shared().connection();
    }

    private StatefulRedisConnection<String, byte[]> reader(RedisClients.Shared s) {
        StatefulRedisConnection<String, byte[]> c;
        while ((c = idleReaders.poll()) != null) {
            if (c.isOpen()) return c;
            readers.remove(c);
        }
        try {
            c = s.client().connect(RedisClients.CODEC);
        } catch (RuntimeException e) {
            throw RedisErrors.exception(e, "connecting", address);
        }
        readers.add(c);
        if (closed.get()) {
            discard(c);
            throw new IllegalStateException("the driver for " + address.describe() + " is closed");
        }
        return c;
    }

    private void giveBack(StatefulRedisConnection<String, byte[]> c) {
        if (closed.get() || !c.isOpen()) {
            discard(c);
        } else {
            idleReaders.push(c);
        }
    }

    private void discard(StatefulRedisConnection<String, byte[]> c) {
        readers.remove(c);
        if (c.isOpen()) c.closeAsync();
    }

    /** EVALSHA, and EVAL once when the server does not know the script yet (after a restart or SCRIPT FLUSH). */
    private <T> CompletableFuture<T> eval(StatefulRedisConnection<String, byte[]> c, RedisScripts.Script script,
                                          ScriptOutputType type, String[] keys, byte[]... args) {
        RedisAsyncCommands<String, byte[]> redis = c.async();
        CompletableFuture<T> first = redis.<T>evalsha(script.sha(), type, keys, args).toCompletableFuture();
        return first.exceptionallyCompose(t -> RedisErrors.unwrap(t) instanceof RedisNoScriptException
                ? redis.<T>eval(script.source(), type, keys, args).toCompletableFuture()
                : CompletableFuture.failedFuture(t));
    }

    /** As {@link #await}, but an interrupt is an {@link InterruptedException} (a receive being stopped), not a failure. */
    private <T> T awaitInterruptibly(CompletableFuture<T> future, String action) throws InterruptedException {
        try {
            return future.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw RedisErrors.exception(e, action, address);
        } catch (TimeoutException e) {
            throw new SluiceException(ErrorCode.UNAVAILABLE, action + " on " + address.describe() + " got no answer in "
                    + CALL_TIMEOUT.toSeconds() + " s", e);
        }
    }

    /** Waits for a call; a failure becomes a {@link SluiceException} classified by the one table. */
    private <T> T await(CompletableFuture<T> future, String action) {
        try {
            return future.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SluiceException(ErrorCode.UNAVAILABLE, action + " on " + address.describe() + " interrupted", e);
        } catch (ExecutionException e) {
            throw RedisErrors.exception(e, action, address);
        } catch (TimeoutException e) {
            throw new SluiceException(ErrorCode.UNAVAILABLE, action + " on " + address.describe() + " got no answer in "
                    + CALL_TIMEOUT.toSeconds() + " s", e);
        }
    }

    private static Instant entryTime(String entryId) {
        int dash = entryId.indexOf('-');
        return Instant.ofEpochMilli(parseLong(dash < 0 ? entryId : entryId.substring(0, dash), 0));
    }

    private static long parseLong(String s, long otherwise) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String string(Object o) {
        return o instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(o);
    }

    /** {@code sluice-<host>-<pid>-<random>}: one consumer per driver, so a dead process's deliveries are its own. */
    private static String consumerName() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "unknown";
        }
        return "sluice-" + host + "-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
