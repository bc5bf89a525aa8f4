package dev.sluice.runtime.hosts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.Sluice;
import dev.sluice.inmemory.MemoryDriverProvider;
import dev.sluice.inmemory.MemoryQueue;
import dev.sluice.runtime.brokers.ElasticMq;
import dev.sluice.runtime.poller.PollerMain;
import dev.sluice.testkit.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The poller host: {@link PollerMain} on the runtime, on a {@code mem://} queue whose time is the virtual clock;
 * for a FIFO case, on an SQS FIFO queue on ElasticMQ (the in-memory broker hands out one message of an ordering key
 * at a time, so it never gives the poller a batch of one group to stop). The poller receives by itself; a delivery
 * is the next settlement the host makes of the message (an ack or a nack the driver saw), and it is started when
 * the first delivery is asked for, so that messages sent before arrive in one receive.
 */
final class PollerHost extends RuntimeHost {
    private final Supplier<ElasticMq> sqs;
    private SqsView view;
    private PollerMain poller;
    private final Map<String, Integer> consumed = new ConcurrentHashMap<>();

    /** @param sqs ElasticMQ, started when first asked for */
    PollerHost(Supplier<ElasticMq> sqs) {
        this.sqs = sqs;
    }

    @Override
    public String name() {
        return "poller";
    }

    @Override
    protected String uri(String name, boolean ordered) {
        return ordered ? sqs.get().uri(name + ".fifo") : "mem://" + name;
    }

    @Override
    protected Sluice.Builder drivers(Sluice.Builder builder) {
        return builder.driver(log.wrap(new MemoryDriverProvider())).driver(log.wrap(ElasticMq.provider()));
    }

    @Override
    protected void started() {
        consumed.clear();
        if (setup.ordering() && view == null) view = new SqsView(sqs.get());
    }

    @Override
    protected boolean stopping() {
        if (poller == null) return false;
        poller.close();
        poller = null;
        return true;
    }

    private synchronized void poll() {
        if (poller == null) poller = PollerMain.start(runtime);
    }

    private List<BrokerLog.Call> settlements(Sent m) {
        return log.all().stream().filter(c -> c.queue().equals(spec.uri()) && c.messageId().equals(m.messageId())
                && (c.kind() == BrokerLog.Kind.ACK || c.kind() == BrokerLog.Kind.DEAD_ACK || c.kind() == BrokerLog.Kind.NACK))
                .toList();
    }

    private Result result(Sent m, int index) {
        List<BrokerLog.Call> s = settlements(m);
        BrokerLog.Call c = s.get(index);
        if (c.kind() == BrokerLog.Kind.NACK) return new Result.Retried(c.seq(), c.duration());
        if (c.kind() == BrokerLog.Kind.ACK) return new Result.Acked(c.seq());
        // a dead-lettered message is acked through ackDeadLettered, after its dead letter was sent
        long after = index == 0 ? 0 : s.get(index - 1).seq();
        List<BrokerLog.Call> between = log.all().stream().filter(x -> x.seq() > after && x.seq() < c.seq()).toList();
        return deadLetterSent(between, m.messageId()).<Result>map(r -> new Result.DeadLettered(c.seq(), r))
                .orElseThrow(() -> new AssertionError("message " + m.messageId() + " was acked as dead-lettered, but no"
                        + " dead letter was sent before"));
    }

    @Override
    public Result deliver(Sent m) {
        poll();
        int n = consumed.getOrDefault(m.messageId(), 0);
        if (n > 0 && result(m, n - 1) instanceof Result.Retried r && r.delay() != null && !setup.ordering()) {
            clock.advance(r.delay());
        }
        Await.until("delivery " + (n + 1) + " of message " + m.eventId() + " settled by the poller", () -> {
            if (settlements(m).size() > n) return true;
            if (view != null) view.checkNotMovedByBroker(deadLetterUri, log, m);
            return false;
        });
        consumed.put(m.messageId(), n + 1);
        return result(m, n);
    }

    @Override
    public List<Result> deliverBatch(List<Sent> batch) {
        poll();
        List<Result> results = new ArrayList<>();
        for (Sent m : batch) results.add(deliver(m));
        return results;
    }

    private MemoryQueue memoryQueue() {
        return runtime.sluice().driver(spec.uri()).unwrap(MemoryQueue.class).orElseThrow();
    }

    @Override
    public void assertRedeliveredAfter(Sent m, Duration delay) {
        MemoryQueue queue = memoryQueue();
        int runs = journal.runs(m.eventId()).size();
        Await.until("message " + m.eventId() + " waiting out its retry delay in the broker", () -> queue.stats().delayed() == 1);
        clock.advance(delay.minusMillis(1));
        assertThat(queue.stats().delayed()).as("a millisecond before its delay the broker still holds the message back").isEqualTo(1);
        assertThat(queue.stats().ready() + queue.stats().leased()).isZero();
        assertThat(journal.runs(m.eventId())).hasSize(runs);
        clock.advance(Duration.ofMillis(1));
        Await.until("message " + m.eventId() + " delivered again once its delay is over",
                () -> journal.runs(m.eventId()).size() == runs + 1);
    }

    @Override
    public void assertStillQueued(Sent m) {
        if (view != null) {
            assertThat(view.held(spec.uri())).as("messages SQS holds").isPositive();
        } else {
            assertThat(memoryQueue().stats().total()).as("messages the in-memory broker holds").isPositive();
        }
        assertThat(settlements(m)).noneMatch(c -> c.kind() == BrokerLog.Kind.ACK || c.kind() == BrokerLog.Kind.DEAD_ACK);
    }

    @Override
    public void close() {
        super.close();
        if (view != null) view.close();
    }
}
