package dev.sluice.kafka;

import dev.sluice.ErrorCode;
import dev.sluice.SluiceException;
import dev.sluice.spi.AckFailure;
import dev.sluice.spi.DriverError;
import dev.sluice.spi.InboundMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumer-group mode: one {@link KafkaConsumer} on a thread of its own fetches; the records stay here until
 * settled. The committed offset of a partition is always its lowest unsettled record (never past a message still
 * being handled or waiting for its retry), so a process that dies loses nothing: the group's next owner of the
 * partition reads again from there (and handles again what this one finished above it: at least once).
 *
 * <p>Order: a record with a key is handed out only when no earlier record of the same key in its partition is
 * unsettled; a retry of a keyed record (nack with a delay) and a lease that ended keep the record in its place, so the
 * later records of its key wait behind it, and its partition's commits wait too (blocking retry).
 *
 * <p>A retry of a record without a key goes through the retry topic {@code <topic>-retry} (when it exists: provisioning
 * creates it), as Spring Kafka's non-blocking retries do: a copy is written there carrying its due time, its attempts so
 * far and its message id (headers {@code sluice_due}, {@code sluice_attempts}, {@code sluice_id}), and the original is
 * settled, so the main partition's commits move on. This consumer reads the retry topic too and hands a copy out when
 * it is due; its last failure is dead-lettered by Sluice into the DLQ topic like any other.
 *
 * <p>Attempts are counted here, and kept where the next owner of a partition finds them: a retried copy carries its
 * count in its headers; a record waiting in place (keyed, or with no retry topic) has its count in the metadata of its
 * partition's commit ({@link AttemptsMetadata}), written with the next commit after a failure, so a record read again
 * after a crash goes on from its count rather than from 1.
 */
final class ConsumerReceiver implements Receiver {
    private static final Logger log = LoggerFactory.getLogger(ConsumerReceiver.class);
    /** Records held per partition before its fetching pauses. */
    static final int MAX_HELD_PER_PARTITION = 1000;
    private static final Duration POLL = Duration.ofMillis(100);
    private static final AtomicLong SEQUENCE = new AtomicLong();

    private final KafkaAddress address;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Map<TopicPartition, TreeMap<Long, Entry>> held = new TreeMap<>(
            java.util.Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
    private final Map<TopicPartition, Long> fetched = new HashMap<>();
    private final Map<String, Entry> out = new HashMap<>();
    /** The last commit of each partition: its offset and attempts metadata. */
    private final Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>();
    /** Attempts found in the commit metadata of an assigned partition, by offset, for records not fetched yet. */
    private final Map<TopicPartition, Map<Long, Integer>> restored = new HashMap<>();
    private final java.util.function.Supplier<org.apache.kafka.clients.producer.Producer<byte[], byte[]>> producer;
    private final java.util.function.BooleanSupplier retryTopicExists;
    private volatile boolean retryTopic;
    private volatile long leaseNanos = Duration.ofSeconds(30).toNanos();
    private volatile boolean closed;
    /** Why the consumer could not start, when it could not: reported by receive. */
    private volatile RuntimeException failure;
    private Thread thread;
    private KafkaConsumer<byte[], byte[]> consumer;

    ConsumerReceiver(KafkaAddress address,
                     java.util.function.Supplier<org.apache.kafka.clients.producer.Producer<byte[], byte[]>> producer,
                     java.util.function.BooleanSupplier retryTopicExists) {
        this.address = address;
        this.producer = producer;
        this.retryTopicExists = retryTopicExists;
    }

    void configure(Duration lease) {
        leaseNanos = lease.toNanos();
    }

    enum State { READY, OUT, DELAYED }

    /** A record held until settled. Guarded by {@link #lock}. */
    static final class Entry {
        final ConsumerRecord<byte[], byte[]> record;
        final TopicPartition partition;
        final String key;
        final String messageId;
        State state = State.READY;
        int attempts;
        /** The attempts to keep in the partition's commit metadata (0: none): set when it fails or is given back. */
        int kept;
        long deadline;
        long due;
        String handle;

        Entry(ConsumerRecord<byte[], byte[]> record) {
            this.record = record;
            this.partition = new TopicPartition(record.topic(), record.partition());
            this.key = KafkaWire.key(record);
            String id = KafkaWire.header(record, RETRY_ID);
            this.messageId = id != null ? id : KafkaWire.messageId(record.partition(), record.offset());
            String attempts = KafkaWire.header(record, RETRY_ATTEMPTS);
            String due = KafkaWire.header(record, RETRY_DUE);
            if (attempts != null && due != null) {
                try {
                    this.attempts = Integer.parseInt(attempts);
                    long wait = Long.parseLong(due) - System.currentTimeMillis();
                    this.due = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(0, wait));
                    this.state = State.DELAYED;
                } catch (NumberFormatException e) {
                    this.attempts = 0;
                }
            }
        }
    }

    static final String RETRY_DUE = KafkaWire.ConsumerSide.INTERNAL_PREFIX + "due";
    static final String RETRY_ATTEMPTS = KafkaWire.ConsumerSide.INTERNAL_PREFIX + "attempts";
    static final String RETRY_ID = KafkaWire.ConsumerSide.INTERNAL_PREFIX + "id";

    // ---- the SPI side ---------------------------------------------------------------------------------

    @Override
    public List<InboundMessage> receive(int max, Duration maxWait) throws InterruptedException {
        start();
        RuntimeException failed = failure;
        if (failed != null) throw KafkaErrors.exception(failed, "starting the consumer", address);
        long deadline = System.nanoTime() + Math.max(0, maxWait.toNanos());
        lock.lockInterruptibly();
        try {
            while (true) {
                List<InboundMessage> got = take(max);
                if (!got.isEmpty()) return got;
                long left = deadline - System.nanoTime();
                if (left <= 0) return got;
                changed.awaitNanos(left);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Hands out up to {@code max} records, in offset order per partition, the first unsettled of each key only. */
    private List<InboundMessage> take(int max) {
        List<InboundMessage> got = new ArrayList<>();
        long now = System.nanoTime();
        for (TreeMap<Long, Entry> partition : held.values()) {
            Set<String> blocked = new HashSet<>();
            for (Entry e : partition.values()) {
                if (got.size() >= max) return got;
                boolean first = e.key == null || blocked.add(e.key);
                if (e.state == State.DELAYED && now - e.due >= 0) e.state = State.READY;
                if (!first || e.state != State.READY) continue;
                e.state = State.OUT;
                e.attempts++;
                e.deadline = now + leaseNanos;
                e.handle = e.partition + "/" + e.record.offset() + "/" + SEQUENCE.incrementAndGet();
                out.put(e.handle, e);
                ConsumerRecord<byte[], byte[]> r = e.record;
                got.add(new InboundMessage(e.messageId, KafkaWire.value(r),
                        KafkaWire.attributes(r), e.key, OptionalInt.of(e.attempts), KafkaWire.time(r), e.handle, r));
            }
        }
        return got;
    }

    @Override
    public List<AckFailure> ack(List<InboundMessage> batch) {
        List<AckFailure> failures = new ArrayList<>();
        lock.lock();
        try {
            for (InboundMessage m : batch) {
                Entry e = out.remove(m.ackHandle());
                if (e == null) {
                    failures.add(new AckFailure(m, stale(m, "ack")));
                    continue;
                }
                settled(e);
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        return failures;
    }

    private void settled(Entry e) {
        TreeMap<Long, Entry> partition = held.get(e.partition);
        if (partition != null) partition.remove(e.record.offset());
    }

    /**
     * A keyed record, a give-back (no delay) and any record while there is no retry topic: held in place until due.
     * A record without a key, with a delay: a copy to the retry topic, then the original is settled.
     */
    @Override
    public void nack(InboundMessage message, Duration delay) {
        boolean later = !delay.isZero() && !delay.isNegative();
        Entry copied;
        lock.lock();
        try {
            Entry e = out.remove(message.ackHandle());
            if (e == null) throw exception(stale(message, "nack"));
            e.kept = e.attempts;
            e.state = later ? State.DELAYED : State.READY;
            e.due = System.nanoTime() + Math.max(0, delay.toNanos());
            if (e.key != null || !later || !retryTopic) {
                changed.signalAll();
                return;
            }
            copied = e;
            e.due = System.nanoTime() + TimeUnit.DAYS.toNanos(1); // not handed out while its copy is written
        } finally {
            lock.unlock();
        }
        Map<String, String> headers = Map.of(RETRY_DUE, String.valueOf(System.currentTimeMillis() + delay.toMillis()),
                RETRY_ATTEMPTS, String.valueOf(copied.attempts), RETRY_ID, copied.messageId);
        boolean written = false;
        try {
            producer.get().send(KafkaWire.copy(address.topic() + RETRY_SUFFIX, copied.record, headers)).get(30, TimeUnit.SECONDS);
            written = true;
        } catch (InterruptedException x) {
            Thread.currentThread().interrupt();
        } catch (Exception x) {
            log.debug("{}: retry copy of {} not written ({}); it waits in place", address.describe(), copied.messageId, x.toString());
        }
        lock.lock();
        try {
            if (written) {
                settled(copied);
            } else {
                copied.due = System.nanoTime() + Math.max(0, delay.toNanos());
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    static final String RETRY_SUFFIX = "-retry";

    @Override
    public void extendLease(InboundMessage message, Duration lease) {
        lock.lock();
        try {
            Entry e = out.get(message.ackHandle());
            if (e == null) throw exception(stale(message, "extending the lease"));
            e.deadline = System.nanoTime() + lease.toNanos();
        } finally {
            lock.unlock();
        }
    }

    private DriverError stale(InboundMessage m, String action) {
        return new DriverError(ErrorCode.NOT_FOUND, action + " of message " + m.messageId() + " on " + address.describe()
                + ": its lease ended first (or its partition moved to another consumer), so it was or will be delivered again");
    }

    private static SluiceException exception(DriverError e) {
        return new SluiceException(e.code(), e.message(), e.cause());
    }

    private synchronized void start() {
        if (closed) throw new IllegalStateException("the driver for " + address.describe() + " is closed");
        if (thread != null) return;
        thread = new Thread(this::run, "sluice-kafka-consumer-" + address.topic());
        thread.setDaemon(true);
        thread.start();
    }

    /** Commits the lowest unsettled offsets and leaves the group; what was not settled is read again by the next owner. */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            if (closed) return;
            closed = true;
            t = thread;
        }
        if (t == null) return;
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) c.wakeup();
        try {
            t.join(TimeUnit.SECONDS.toMillis(15));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- the consumer thread --------------------------------------------------------------------------

    private void run() {
        try {
            try {
                consumer = new KafkaConsumer<>(config(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
            } catch (RuntimeException e) {
                failure = e;
                log.warn("the consumer of {} could not start: {}", address.describe(), KafkaErrors.said(e));
                return;
            }
            retryTopic = retryTopicExists.getAsBoolean();
            consumer.subscribe(retryTopic ? List.of(address.topic(), address.topic() + RETRY_SUFFIX) : List.of(address.topic()),
                    new Rebalance());
            while (!closed) {
                try {
                    cycle();
                } catch (WakeupException | InterruptException e) {
                    Thread.interrupted();
                } catch (RuntimeException e) {
                    log.warn("consumer of {}: {}", address.describe(), KafkaErrors.said(e));
                    waitQuietly(Duration.ofSeconds(1));
                }
            }
        } finally {
            KafkaConsumer<byte[], byte[]> c = consumer;
            if (c != null) {
                try {
                    commit();
                } catch (RuntimeException e) {
                    log.debug("final commit on {}: {}", address.describe(), e.toString());
                }
                try {
                    c.close(Duration.ofSeconds(5));
                } catch (RuntimeException e) {
                    log.debug("closing the consumer of {}: {}", address.describe(), e.toString());
                }
            }
        }
    }

    private Map<String, Object> config() {
        Map<String, Object> c = address.connection().config();
        c.put(ConsumerConfig.GROUP_ID_CONFIG, address.group());
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "sluice-consumer-" + address.topic());
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 200);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // the classic group protocol (brokers without share groups may predate KIP-848): a dead process's partitions
        // move after 10 s, as Kafka's default was before 3.0, rather than 45 s
        c.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
        c.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 3_000);
        return c;
    }

    /** One turn: end leases that are over, commit what moved, pause full partitions, poll. */
    private void cycle() {
        List<TopicPartition> pause = new ArrayList<>();
        List<TopicPartition> resume = new ArrayList<>();
        lock.lock();
        try {
            long now = System.nanoTime();
            boolean any = false;
            for (TreeMap<Long, Entry> partition : held.values()) {
                for (Entry e : partition.values()) {
                    if (e.state == State.OUT && now - e.deadline >= 0) {
                        out.remove(e.handle);
                        e.kept = e.attempts;
                        e.state = State.READY;
                        any = true;
                    } else if (e.state == State.DELAYED && now - e.due >= 0) {
                        e.state = State.READY;
                        any = true;
                    }
                }
            }
            if (any) changed.signalAll();
            for (TopicPartition tp : consumer.assignment()) {
                TreeMap<Long, Entry> partition = held.get(tp);
                (partition != null && partition.size() >= MAX_HELD_PER_PARTITION ? pause : resume).add(tp);
            }
        } finally {
            lock.unlock();
        }
        commit();
        consumer.pause(pause);
        consumer.resume(resume);
        var records = consumer.poll(POLL);
        if (records.isEmpty()) return;
        lock.lock();
        try {
            for (ConsumerRecord<byte[], byte[]> r : records) {
                Entry e = new Entry(r);
                Map<Long, Integer> found = restored.get(e.partition);
                Integer before = found == null ? null : found.remove(r.offset());
                if (before != null && e.attempts == 0) {
                    e.attempts = before;
                    e.kept = before;
                }
                held.computeIfAbsent(e.partition, p -> new TreeMap<>()).put(r.offset(), e);
                fetched.put(e.partition, r.offset() + 1);
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Commits, per partition, the lowest unsettled offset (or the next to fetch when nothing is held) with the attempts of
     * the held records that failed, when either changed.
     */
    private void commit() {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        lock.lock();
        try {
            for (var f : fetched.entrySet()) {
                TreeMap<Long, Entry> partition = held.get(f.getKey());
                long offset = partition == null || partition.isEmpty() ? f.getValue() : partition.firstKey();
                Map<Long, Integer> attempts = new java.util.LinkedHashMap<>();
                if (partition != null) partition.values().forEach(e -> {
                    if (e.kept > 0) attempts.put(e.record.offset(), e.kept);
                });
                Map<Long, Integer> notFetched = restored.get(f.getKey());
                if (notFetched != null) notFetched.forEach((o, n) -> {
                    if (o >= offset) attempts.putIfAbsent(o, n);
                });
                OffsetAndMetadata next = new OffsetAndMetadata(offset, AttemptsMetadata.write(offset, attempts));
                if (!next.equals(committed.get(f.getKey()))) offsets.put(f.getKey(), next);
            }
        } finally {
            lock.unlock();
        }
        if (offsets.isEmpty()) return;
        consumer.commitSync(offsets, Duration.ofSeconds(30));
        offsets.forEach(committed::put);
    }

    /** A partition assigned to this consumer: the attempts its last owner committed, for the records read again. */
    private void restore(Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) return;
        Map<TopicPartition, OffsetAndMetadata> found;
        try {
            found = consumer.committed(new HashSet<>(partitions), Duration.ofSeconds(30));
        } catch (RuntimeException e) {
            log.warn("{}: the committed attempts of {} could not be read ({}); their records count attempts from 1",
                    address.describe(), partitions, KafkaErrors.said(e));
            return;
        }
        lock.lock();
        try {
            found.forEach((tp, o) -> {
                if (o == null) return;
                committed.put(tp, o);
                Map<Long, Integer> attempts = AttemptsMetadata.read(o.offset(), o.metadata());
                if (!attempts.isEmpty()) restored.put(tp, new HashMap<>(attempts));
            });
        } finally {
            lock.unlock();
        }
    }

    private void forget(Collection<TopicPartition> partitions) {
        lock.lock();
        try {
            for (TopicPartition tp : partitions) {
                TreeMap<Long, Entry> partition = held.remove(tp);
                if (partition != null) partition.values().forEach(e -> {
                    if (e.handle != null) out.remove(e.handle);
                });
                fetched.remove(tp);
                committed.remove(tp);
                restored.remove(tp);
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void waitQuietly(Duration d) {
        lock.lock();
        try {
            changed.awaitNanos(d.toNanos());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    /** Partitions moving to another consumer: commit what is settled, forget the rest (its handles go stale). */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            try {
                commit();
            } catch (RuntimeException e) {
                log.debug("commit before a rebalance of {}: {}", address.describe(), e.toString());
            }
            forget(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            restore(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            forget(partitions);
        }
    }
}
