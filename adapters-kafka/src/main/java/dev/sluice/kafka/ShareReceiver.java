package dev.sluice.kafka;

import dev.sluice.ErrorCode;
import dev.sluice.SluiceException;
import dev.sluice.spi.AckFailure;
import dev.sluice.spi.DriverError;
import dev.sluice.spi.InboundMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Share-group mode: a few {@link KafkaShareConsumer}s in explicit acknowledgement mode, each on a thread of its
 * own (the client is not thread-safe). A member polls a small batch, hands it out through one shared queue, and
 * polls again only when every record of the batch is settled (the client refuses to poll past unacknowledged
 * records). Ack is {@code ACCEPT}; the ack of a dead-lettered record is {@code REJECT}; a nack without delay, a lease that ended and a give-back are {@code RELEASE}.
 *
 * <p>Leases are the driver's: a record handed out has a deadline (the queue's lease, moved by
 * {@code extendLease}); past it the member releases the record and its handle goes stale. The broker's
 * acquisition lock is renewed ({@code RENEW}, KIP-1222) while a record is held, so it ends only when this process
 * stops renewing it: a process that dies gets its records redelivered when their lock ends (the group's
 * {@code share.record.lock.duration.ms}, which provisioning sets to the lease).
 *
 * <p>Prefetch: up to {@value #MAX_POLL_RECORDS} records per member wait to be handed out. What was fetched and not
 * handed out when the driver closes is released, and the broker counts that as a delivery: a restart can cost such a
 * record one attempt.
 *
 * <p>A retry delay: {@code RELEASE} has none, so the member holds the record (lock renewed) until the delay is over,
 * then releases it; the broker counts the next delivery. While it holds one, a member fetches nothing new (a renewed
 * record is all the next poll returns), which is why there are several members.
 */
final class ShareReceiver implements Receiver {
    private static final Logger log = LoggerFactory.getLogger(ShareReceiver.class);
    /**
     * Records one member fetches at a time ({@code max.poll.records}, with {@code share.acquire.mode=record_limit}).
     * Every member keeps polling while its batch is settled: a share consumer fetches ahead in the background, and
     * what it fetched stays locked to it until it polls.
     */
    static final int MAX_POLL_RECORDS = 50;
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration IDLE_WAIT = Duration.ofMillis(50);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    private static final AtomicLong SEQUENCE = new AtomicLong();

    private final KafkaAddress address;
    private final LinkedBlockingDeque<Held> ready = new LinkedBlockingDeque<>();
    private final Map<String, Held> out = new ConcurrentHashMap<>();
    private final List<Member> members = new ArrayList<>();
    private volatile long leaseNanos = Duration.ofSeconds(30).toNanos();
    private volatile int memberCount = 4;
    private volatile boolean closed;
    /** Why a member could not start or stopped, when one did: reported by receive once no member is left. */
    private volatile RuntimeException failure;

    ShareReceiver(KafkaAddress address) {
        this.address = address;
    }

    /** The lease of each delivery, and how many share consumers to run (set before the first receive). */
    void configure(Duration lease, int consumers) {
        leaseNanos = lease.toNanos();
        memberCount = consumers;
    }

    enum State { READY, OUT, DELAYED, SETTLING, ENDED }

    /** One acquisition of a record by a member. */
    static final class Held {
        final Member member;
        final int partition;
        final long offset;
        final String handle;
        volatile ConsumerRecord<byte[], byte[]> record;
        final AtomicReference<State> state = new AtomicReference<>(State.READY);
        volatile long deadline;
        volatile long due;
        /** Set by the member thread only: an acknowledgement (of any type but RENEW) was given to the client. */
        boolean acknowledged;

        Held(Member member, ConsumerRecord<byte[], byte[]> record) {
            this.member = member;
            this.record = record;
            this.partition = record.partition();
            this.offset = record.offset();
            this.handle = partition + "/" + offset + "/" + SEQUENCE.incrementAndGet();
        }
    }

    /** A settlement for the member thread to give the client. */
    record Settle(Held held, AcknowledgeType type, CompletableFuture<DriverError> done) {
    }

    // ---- the SPI side ---------------------------------------------------------------------------------

    @Override
    public List<InboundMessage> receive(int max, Duration maxWait) throws InterruptedException {
        start();
        RuntimeException failed = failure;
        if (failed != null && ready.isEmpty() && members.stream().noneMatch(m -> m.thread.isAlive())) {
            throw KafkaErrors.exception(failed, "starting the share consumers", address);
        }
        List<InboundMessage> got = new ArrayList<>();
        long deadline = System.nanoTime() + Math.max(0, maxWait.toNanos());
        while (got.isEmpty()) {
            long left = deadline - System.nanoTime();
            Held first = left > 0 ? ready.poll(left, TimeUnit.NANOSECONDS) : ready.poll();
            if (first == null) return got;
            List<Held> taken = new ArrayList<>();
            taken.add(first);
            ready.drainTo(taken, Math.max(0, max - 1));
            long now = System.nanoTime();
            for (Held h : taken) {
                h.deadline = now + leaseNanos;
                if (!h.state.compareAndSet(State.READY, State.OUT)) continue; // ended by a member closing
                out.put(h.handle, h);
                got.add(inbound(h));
            }
        }
        return got;
    }

    private InboundMessage inbound(Held h) {
        ConsumerRecord<byte[], byte[]> r = h.record;
        Optional<Short> count = r.deliveryCount();
        return new InboundMessage(KafkaWire.messageId(h.partition, h.offset), KafkaWire.value(r), KafkaWire.attributes(r),
                KafkaWire.key(r), count.isPresent() ? OptionalInt.of(count.get()) : OptionalInt.empty(),
                KafkaWire.time(r), h.handle, r);
    }

    @Override
    public List<AckFailure> ack(List<InboundMessage> batch) {
        return settle(batch, AcknowledgeType.ACCEPT, "ack");
    }

    /** {@code REJECT}: the broker archives the record as failed; it is never delivered again. */
    @Override
    public List<AckFailure> ackDeadLettered(List<InboundMessage> batch) {
        return settle(batch, AcknowledgeType.REJECT, "ack of a dead-lettered message (REJECT)");
    }

    private List<AckFailure> settle(List<InboundMessage> batch, AcknowledgeType type, String action) {
        List<AckFailure> failures = new ArrayList<>();
        Map<InboundMessage, CompletableFuture<DriverError>> pending = new HashMap<>();
        for (InboundMessage m : batch) {
            Held h = out.get(m.ackHandle());
            if (h == null || !h.state.compareAndSet(State.OUT, State.SETTLING)) {
                failures.add(new AckFailure(m, stale(m, action)));
                continue;
            }
            out.remove(h.handle, h);
            CompletableFuture<DriverError> done = new CompletableFuture<>();
            h.member.submit(new Settle(h, type, done));
            pending.put(m, done);
        }
        for (InboundMessage m : batch) {
            CompletableFuture<DriverError> done = pending.get(m);
            if (done == null) continue;
            DriverError error = await(done, action);
            if (error != null) failures.add(new AckFailure(m, error));
        }
        return failures;
    }

    @Override
    public void nack(InboundMessage message, Duration delay) {
        Held h = out.get(message.ackHandle());
        if (h == null) throw exception(stale(message, "nack"));
        if (delay.isZero() || delay.isNegative()) {
            if (!h.state.compareAndSet(State.OUT, State.SETTLING)) throw exception(stale(message, "nack"));
            out.remove(h.handle, h);
            CompletableFuture<DriverError> done = new CompletableFuture<>();
            h.member.submit(new Settle(h, AcknowledgeType.RELEASE, done));
            DriverError error = await(done, "nack (RELEASE)");
            if (error != null) throw exception(error);
            return;
        }
        h.due = System.nanoTime() + delay.toNanos();
        if (!h.state.compareAndSet(State.OUT, State.DELAYED)) throw exception(stale(message, "nack"));
        out.remove(h.handle, h);
        h.member.wake();
    }

    @Override
    public void extendLease(InboundMessage message, Duration lease) {
        Held h = out.get(message.ackHandle());
        if (h == null || h.state.get() != State.OUT) throw exception(stale(message, "extending the lease"));
        h.deadline = System.nanoTime() + lease.toNanos();
        if (h.state.get() != State.OUT) throw exception(stale(message, "extending the lease"));
    }

    private DriverError stale(InboundMessage m, String action) {
        return new DriverError(ErrorCode.NOT_FOUND, action + " of message " + m.messageId() + " on " + address.describe()
                + ": its lease ended first, so it was or will be delivered again");
    }

    private static SluiceException exception(DriverError e) {
        return new SluiceException(e.code(), e.message(), e.cause());
    }

    private DriverError await(CompletableFuture<DriverError> done, String action) {
        try {
            return done.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new DriverError(ErrorCode.UNAVAILABLE, action + " on " + address.describe() + " interrupted", e);
        } catch (ExecutionException e) {
            return KafkaErrors.error(e, action, address);
        } catch (TimeoutException e) {
            return new DriverError(ErrorCode.UNAVAILABLE, action + " on " + address.describe() + " got no answer in "
                    + CALL_TIMEOUT.toSeconds() + " s", e);
        }
    }

    private synchronized void start() {
        if (closed) throw new IllegalStateException("the driver for " + address.describe() + " is closed");
        if (!members.isEmpty()) return;
        for (int i = 0; i < memberCount; i++) {
            Member m = new Member(i);
            members.add(m);
            Thread t = new Thread(m, "sluice-kafka-share-" + address.topic() + "-" + i);
            t.setDaemon(true);
            m.thread = t;
            t.start();
        }
    }

    /** Releases what was received and not settled (each counted by the broker as a delivery), and stops the members. */
    @Override
    public void close() {
        List<Member> stopping;
        synchronized (this) {
            if (closed) return;
            closed = true;
            stopping = List.copyOf(members);
        }
        stopping.forEach(Member::wake);
        for (Member m : stopping) {
            try {
                m.thread.join(TimeUnit.SECONDS.toMillis(15));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    // ---- a member: one share consumer on its own thread ---------------------------------------------------

    final class Member implements Runnable {
        private final int index;
        private final LinkedBlockingQueue<Settle> commands = new LinkedBlockingQueue<>();
        private final List<Held> batch = new ArrayList<>();
        private KafkaShareConsumer<byte[], byte[]> consumer;
        private long lockNanos = Duration.ofSeconds(30).toNanos();
        private long renewAt;
        Thread thread;

        Member(int index) {
            this.index = index;
        }

        void submit(Settle s) {
            commands.add(s);
        }

        void wake() {
            commands.add(new Settle(null, null, null));
        }

        @Override
        public void run() {
            try {
                consumer = new KafkaShareConsumer<>(config(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
                consumer.subscribe(List.of(address.topic()));
                while (!closed) {
                    try {
                        cycle();
                    } catch (InterruptException e) {
                        Thread.interrupted();
                    } catch (RuntimeException e) {
                        log.warn("share consumer {} of {}: {}", index, address.describe(), KafkaErrors.said(e));
                        pause(Duration.ofSeconds(1));
                    }
                }
            } catch (RuntimeException e) {
                failure = e;
                log.warn("share consumer {} of {} stopped: {}", index, address.describe(), KafkaErrors.said(e));
            } finally {
                shutdown();
            }
        }

        private Map<String, Object> config() {
            Map<String, Object> c = address.connection().config();
            c.put(ConsumerConfig.GROUP_ID_CONFIG, address.group());
            c.put(ConsumerConfig.CLIENT_ID_CONFIG, "sluice-share-" + address.topic() + "-" + index);
            c.put(ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG, "explicit");
            c.put(ConsumerConfig.SHARE_ACQUIRE_MODE_CONFIG, "record_limit");
            c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, MAX_POLL_RECORDS);
            return c;
        }

        /** One turn: settle what was asked, end leases and delays that are over, then poll or renew or wait. */
        private void cycle() {
            List<Settle> applied = new ArrayList<>();
            Settle s;
            while ((s = commands.poll()) != null) apply(s, applied);
            long now = System.nanoTime();
            for (Held h : batch) {
                if (h.acknowledged) continue;
                State st = h.state.get();
                if (st == State.OUT && now - h.deadline >= 0 && h.state.compareAndSet(State.OUT, State.ENDED)) {
                    out.remove(h.handle, h);
                    acknowledge(h, AcknowledgeType.RELEASE);
                    applied.add(new Settle(h, AcknowledgeType.RELEASE, null));
                } else if (st == State.DELAYED && now - h.due >= 0 && h.state.compareAndSet(State.DELAYED, State.ENDED)) {
                    acknowledge(h, AcknowledgeType.RELEASE);
                    applied.add(new Settle(h, AcknowledgeType.RELEASE, null));
                }
            }
            if (!applied.isEmpty()) commit(applied);
            boolean settled = batch.stream().allMatch(h -> h.acknowledged);
            if (settled) {
                batch.clear();
                ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
                consumer.acquisitionLockTimeoutMs().ifPresent(ms -> lockNanos = TimeUnit.MILLISECONDS.toNanos(ms));
                renewAt = System.nanoTime() + lockNanos / 2;
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    Held h = new Held(this, r);
                    batch.add(h);
                    ready.add(h);
                }
                return;
            }
            if (System.nanoTime() - renewAt >= 0) {
                renew();
                return;
            }
            long wait = Math.min(IDLE_WAIT.toNanos(), Math.max(0, renewAt - System.nanoTime()));
            for (Held h : batch) {
                if (h.acknowledged) continue;
                State st = h.state.get();
                if (st == State.OUT) wait = Math.min(wait, Math.max(0, h.deadline - System.nanoTime()));
                if (st == State.DELAYED) wait = Math.min(wait, Math.max(0, h.due - System.nanoTime()));
            }
            try {
                Settle next = commands.poll(wait, TimeUnit.NANOSECONDS);
                if (next != null) apply(next, applied);
                if (!applied.isEmpty()) commit(applied);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void apply(Settle s, List<Settle> applied) {
            if (s.held() == null) return; // a wake-up
            try {
                if (s.held().acknowledged) throw new IllegalStateException("already settled");
                acknowledge(s.held(), s.type());
                applied.add(s);
            } catch (IllegalStateException e) {
                s.done().complete(new DriverError(ErrorCode.NOT_FOUND, s.type() + " of message "
                        + KafkaWire.messageId(s.held().partition, s.held().offset) + " on " + address.describe()
                        + ": the share consumer no longer holds it (" + e.getMessage() + "), so it was or will be delivered again"));
            }
        }

        private void acknowledge(Held h, AcknowledgeType type) {
            h.acknowledged = true;
            consumer.acknowledge(h.record, type);
        }

        /** Sends the acknowledgements given since the last commit; completes their callers with each partition's result. */
        private void commit(List<Settle> applied) {
            Map<Integer, DriverError> errors = new HashMap<>();
            try {
                Map<TopicIdPartition, Optional<KafkaException>> result = consumer.commitSync(CALL_TIMEOUT);
                for (var e : result.entrySet()) {
                    e.getValue().ifPresent(x -> errors.put(e.getKey().partition(),
                            KafkaErrors.error(x, "acknowledging records (commitSync)", address)));
                }
            } catch (RuntimeException e) {
                DriverError error = KafkaErrors.error(e, "acknowledging records (commitSync)", address);
                for (Settle s : applied) errors.put(s.held().partition, error);
            }
            for (Settle s : applied) {
                if (s.done() != null) s.done().complete(errors.get(s.held().partition));
            }
            applied.clear();
        }

        /**
         * Renews the acquisition lock of every record of the batch still held ({@code RENEW}), then polls until they
         * are all back: the client hands renewed records out again, and only a record of the current poll can be
         * acknowledged.
         */
        private void renew() {
            Map<Long, Held> renewed = new HashMap<>();
            for (Held h : batch) {
                if (h.acknowledged) continue;
                consumer.acknowledge(h.record, AcknowledgeType.RENEW);
                renewed.put(h.offset + ((long) h.partition << 48), h);
            }
            commit(new ArrayList<>());
            long until = System.nanoTime() + CALL_TIMEOUT.toNanos();
            while (!renewed.isEmpty() && System.nanoTime() - until < 0 && !closed) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                    Held h = renewed.remove(r.offset() + ((long) r.partition() << 48));
                    if (h != null) {
                        h.record = r;
                    } else {
                        Held fresh = new Held(this, r);
                        batch.add(fresh);
                        ready.add(fresh);
                    }
                }
            }
            if (!renewed.isEmpty()) {
                log.warn("share consumer {} of {}: {} renewed records did not come back; their handles are stale", index,
                        address.describe(), renewed.size());
                for (Held h : renewed.values()) {
                    h.acknowledged = true;
                    h.state.set(State.ENDED);
                    out.remove(h.handle, h);
                }
            }
            renewAt = System.nanoTime() + lockNanos / 2;
        }

        private void pause(Duration d) {
            try {
                Settle s = commands.poll(d.toMillis(), TimeUnit.MILLISECONDS);
                if (s != null && s.held() != null) commands.add(s);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Releases every record still held, commits, closes the client; callers still waiting are told it is closed. */
        private void shutdown() {
            if (consumer == null) return;
            try {
                List<Settle> applied = new ArrayList<>();
                Settle s;
                while ((s = commands.poll()) != null) if (s.held() != null) apply(s, applied);
                for (Held h : batch) {
                    if (h.acknowledged) continue;
                    State st = h.state.getAndSet(State.ENDED);
                    out.remove(h.handle, h);
                    ready.remove(h);
                    if (st != State.ENDED) {
                        acknowledge(h, AcknowledgeType.RELEASE);
                        applied.add(new Settle(h, AcknowledgeType.RELEASE, null));
                    }
                }
                if (!applied.isEmpty()) commit(applied);
            } catch (RuntimeException e) {
                log.debug("share consumer {} of {}: releasing at close: {}", index, address.describe(), e.toString());
            } finally {
                try {
                    consumer.close(Duration.ofSeconds(5));
                } catch (RuntimeException e) {
                    log.debug("closing share consumer {} of {}: {}", index, address.describe(), e.toString());
                }
                Settle s;
                while ((s = commands.poll()) != null) {
                    if (s.done() != null) s.done().complete(new DriverError(ErrorCode.UNAVAILABLE, "the driver for "
                            + address.describe() + " closed before the settlement was sent"));
                }
            }
        }
    }
}
