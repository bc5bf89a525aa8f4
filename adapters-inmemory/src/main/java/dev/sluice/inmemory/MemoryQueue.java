package dev.sluice.inmemory;

import dev.sluice.Scheduler;
import dev.sluice.spi.InboundMessage;
import dev.sluice.spi.OutboundMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One in-memory queue with the semantics of a real broker: a received message is leased and comes back
 * when its lease expires or it is nacked (after the nack's delay); attempts are counted exactly; after
 * {@code maxReceiveCount} deliveries the broker itself moves a message to the dead-letter queue (as SQS's
 * redrive policy does); messages with an ordering key wait in a lane behind the earlier ones of their key,
 * which are delivered one at a time; deduplication ids are remembered for five minutes; per-message delays
 * run on the {@link Scheduler}. Thread-safe; a receive waits on a condition, never in a sleep loop.
 */
public final class MemoryQueue {
    static final Duration DEDUP_WINDOW = Duration.ofMinutes(5);

    private final String name;
    private final Scheduler scheduler;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition available = lock.newCondition();
    private final ArrayDeque<Message> ready = new ArrayDeque<>();
    private final Map<String, Message> leased = new HashMap<>();
    private final Map<String, ArrayDeque<Message>> lanes = new HashMap<>();
    private final LinkedHashMap<String, Sent> deduplication = new LinkedHashMap<>();
    private final java.util.Set<Message> delayed = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    private long sequence;
    private Duration lease = Duration.ofSeconds(30);
    private int maxReceiveCount;
    private MemoryQueue deadLetterQueue;

    /** What the queue holds, for tests and the demo. */
    public record Stats(int ready, int delayed, int leased, int waitingInLanes) {
        /** Messages not yet acknowledged, in any state. */
        public int total() {
            return ready + delayed + leased + waitingInLanes;
        }
    }

    private record Sent(String messageId, Instant at) {
    }

    private static final class Message {
        final String id;
        final OutboundMessage content;
        final Instant publishTime;
        Instant visibleAt;
        int receiveCount;
        String leaseToken;
        Scheduler.Cancellable timer;

        Message(String id, OutboundMessage content, Instant publishTime, Instant visibleAt) {
            this.id = id;
            this.content = content;
            this.publishTime = publishTime;
            this.visibleAt = visibleAt;
        }
    }

    MemoryQueue(String name, Scheduler scheduler) {
        this.name = name;
        this.scheduler = scheduler;
    }

    /** The queue's name. */
    public String name() {
        return name;
    }

    /** Counts of messages by state. */
    public Stats stats() {
        lock.lock();
        try {
            int waiting = lanes.values().stream().mapToInt(ArrayDeque::size).sum();
            return new Stats(ready.size(), delayed.size(), leased.size(), waiting);
        } finally {
            lock.unlock();
        }
    }

    /** How long the oldest message not yet acknowledged (in any state) has been in the queue; empty when none. */
    Optional<Duration> oldestAge() {
        lock.lock();
        try {
            Instant oldest = java.util.stream.Stream.of(ready.stream(), leased.values().stream(), delayed.stream(),
                            lanes.values().stream().flatMap(ArrayDeque::stream))
                    .flatMap(x -> x).map(m -> m.publishTime).min(Instant::compareTo).orElse(null);
            return oldest == null ? Optional.empty() : Optional.of(Duration.between(oldest, scheduler.now()));
        } finally {
            lock.unlock();
        }
    }

    void configure(Duration lease, int maxReceiveCount, MemoryQueue deadLetterQueue) {
        lock.lock();
        try {
            this.lease = lease;
            this.maxReceiveCount = maxReceiveCount;
            this.deadLetterQueue = deadLetterQueue;
        } finally {
            lock.unlock();
        }
    }

    /** Enqueues a message and returns its id (the first one's id for a duplicate within the window). */
    String send(OutboundMessage content) {
        lock.lock();
        try {
            Instant now = scheduler.now();
            if (content.deduplicationId() != null) {
                expireDeduplication(now);
                Sent earlier = deduplication.get(content.deduplicationId());
                if (earlier != null) return earlier.messageId();
            }
            Message m = new Message(name + "-" + (++sequence), content, now, now.plus(content.delay()));
            if (content.deduplicationId() != null) deduplication.put(content.deduplicationId(), new Sent(m.id, now));
            String key = content.orderingKey();
            if (key != null) {
                ArrayDeque<Message> lane = lanes.get(key);
                if (lane != null) {
                    lane.add(m);
                    return m.id;
                }
                lanes.put(key, new ArrayDeque<>());
            }
            offer(m);
            return m.id;
        } finally {
            lock.unlock();
        }
    }

    /** Leases up to {@code max} ready messages, waiting up to {@code maxWait} for the first. */
    List<InboundMessage> receive(int max, Duration maxWait) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            long nanos = maxWait.toNanos();
            while (ready.isEmpty()) {
                if (nanos <= 0) return List.of();
                nanos = available.awaitNanos(nanos);
            }
            List<InboundMessage> out = new ArrayList<>(Math.min(max, ready.size()));
            while (out.size() < max && !ready.isEmpty()) {
                Message m = ready.poll();
                if (maxReceiveCount > 0 && m.receiveCount >= maxReceiveCount) {
                    moveToDeadLetterQueue(m);
                    continue;
                }
                m.receiveCount++;
                m.leaseToken = m.id + "@" + m.receiveCount;
                leased.put(m.leaseToken, m);
                String token = m.leaseToken;
                m.timer = scheduler.schedule(lease, () -> expire(token));
                OutboundMessage c = m.content;
                out.add(new InboundMessage(m.id, c.body(), c.attributes(), c.orderingKey(), OptionalInt.of(m.receiveCount),
                        m.publishTime, token, null));
            }
            if (!ready.isEmpty()) available.signal();
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** Deletes a leased message; false when its lease token is no longer valid. */
    boolean ack(String token) {
        lock.lock();
        try {
            Message m = leased.remove(token);
            if (m == null) return false;
            m.timer.cancel();
            advanceLane(m);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Returns a leased message for redelivery after {@code delay}; false when its lease is no longer valid. */
    boolean nack(String token, Duration delay) {
        lock.lock();
        try {
            Message m = leased.remove(token);
            if (m == null) return false;
            m.timer.cancel();
            m.visibleAt = scheduler.now().plus(delay);
            offer(m);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Extends a lease to {@code duration} from now; false when it is no longer valid. */
    boolean extend(String token, Duration duration) {
        lock.lock();
        try {
            Message m = leased.get(token);
            if (m == null) return false;
            m.timer.cancel();
            m.timer = scheduler.schedule(duration, () -> expire(token));
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void expire(String token) {
        lock.lock();
        try {
            Message m = leased.remove(token);
            if (m == null) return;
            m.visibleAt = scheduler.now();
            offer(m);
        } finally {
            lock.unlock();
        }
    }

    /** Makes {@code m} ready now or at its visible time. Called with the lock held. */
    private void offer(Message m) {
        Duration wait = Duration.between(scheduler.now(), m.visibleAt);
        if (wait.isNegative() || wait.isZero()) {
            ready.add(m);
            available.signal();
            return;
        }
        delayed.add(m);
        scheduler.schedule(wait, () -> {
            lock.lock();
            try {
                delayed.remove(m);
                ready.add(m);
                available.signal();
            } finally {
                lock.unlock();
            }
        });
    }

    /** The message left the queue: its key's next message may go. Called with the lock held. */
    private void advanceLane(Message m) {
        String key = m.content.orderingKey();
        if (key == null) return;
        ArrayDeque<Message> lane = lanes.get(key);
        Message next = lane == null ? null : lane.poll();
        if (next == null) {
            lanes.remove(key);
        } else {
            offer(next);
        }
    }

    private void moveToDeadLetterQueue(Message m) {
        advanceLane(m);
        if (deadLetterQueue != null) {
            OutboundMessage c = m.content;
            deadLetterQueue.send(new OutboundMessage(c.id(), c.body(), c.attributes(), c.orderingKey(), null, Duration.ZERO));
        }
    }

    private void expireDeduplication(Instant now) {
        Iterator<Sent> it = deduplication.values().iterator();
        while (it.hasNext()) {
            if (it.next().at().plus(DEDUP_WINDOW).isAfter(now)) break;
            it.remove();
        }
    }

}
