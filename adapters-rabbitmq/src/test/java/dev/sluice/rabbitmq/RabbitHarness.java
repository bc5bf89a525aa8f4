package dev.sluice.rabbitmq;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.sluice.QueueSpec;
import dev.sluice.core.Sluice;
import dev.sluice.testkit.ConformanceHarness;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** The conformance harness on the real RabbitMQ: a vhost of its own, real time, a 2 s lease. */
final class RabbitHarness implements ConformanceHarness {
    private final RabbitBroker broker;
    private final Sluice sluice;

    RabbitHarness(RabbitBroker broker) {
        this.broker = broker;
        this.sluice = Sluice.create();
    }

    @Override
    public Sluice sluice() {
        return sluice;
    }

    /** RabbitMQ has no per-key order: every queue is a plain quorum queue, and the ordering cases are skipped. */
    @Override
    public QueueSpec.Builder newQueue(String name, boolean ordered) {
        return QueueSpec.builder(broker.uri(name));
    }

    @Override
    public void advance(Duration duration) throws InterruptedException {
        TimeUnit.NANOSECONDS.sleep(duration.toNanos());
    }

    @Override
    public Duration shortLease() {
        return Duration.ofSeconds(2);
    }

    @Override
    public boolean virtualTime() {
        return false;
    }

    /** The driver keeps the lease; an ack of a handle whose lease it ended is reported NOT_FOUND and never sent. */
    @Override
    public StaleAck staleAck() {
        return StaleAck.REPORTED;
    }

    /** As the README's table. */
    @Override
    public Set<Class<?>> unwrapTypes() {
        return Set.of(Connection.class, Channel.class, String.class);
    }

    @Override
    public void close() {
        try {
            sluice.close();
        } finally {
            broker.close();
        }
    }
}
