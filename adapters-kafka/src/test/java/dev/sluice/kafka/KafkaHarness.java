package dev.sluice.kafka;

import dev.sluice.QueueSpec;
import dev.sluice.core.Sluice;
import dev.sluice.testkit.ConformanceHarness;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;

/** The conformance harness on the test broker: topics of a fresh prefix, one mode, real time, a 2 s lease. */
final class KafkaHarness implements ConformanceHarness {
    private final KafkaBroker broker;
    private final String mode;
    private final String prefix = "t" + UUID.randomUUID().toString().substring(0, 8) + "-";
    private final Sluice sluice = Sluice.create();

    KafkaHarness(KafkaBroker broker, String mode) {
        this.broker = broker;
        this.mode = mode;
    }

    @Override
    public Sluice sluice() {
        return sluice;
    }

    /** Every queue is a fresh topic of one partition; a share group keeps no order, so share-mode ordering cases skip. */
    @Override
    public QueueSpec.Builder newQueue(String name, boolean ordered) {
        return QueueSpec.builder(broker.uri(prefix + name, "mode=" + mode));
    }

    @Override
    public void advance(Duration duration) throws InterruptedException {
        TimeUnit.NANOSECONDS.sleep(duration.toNanos());
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
        return Set.of(Admin.class, Producer.class, KafkaProducer.class, String.class);
    }

    @Override
    public void close() {
        sluice.close();
    }
}
