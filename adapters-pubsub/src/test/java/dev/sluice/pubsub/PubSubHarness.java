package dev.sluice.pubsub;

import com.google.cloud.pubsub.v1.Publisher;
import com.google.cloud.pubsub.v1.PublisherInterface;
import com.google.cloud.pubsub.v1.SubscriptionAdminClient;
import com.google.cloud.pubsub.v1.TopicAdminClient;
import com.google.cloud.pubsub.v1.stub.GrpcSubscriberStub;
import com.google.cloud.pubsub.v1.stub.SubscriberStub;
import dev.sluice.QueueSpec;
import dev.sluice.core.Sluice;
import dev.sluice.testkit.ConformanceHarness;
import dev.sluice.testkit.VirtualClock;
import dev.sluice.testkit.pubsub.ManualTimeSource;
import dev.sluice.testkit.pubsub.PubSubTestServer;
import java.time.Duration;
import java.util.Set;
import java.util.Map;

/**
 * A {@link ConformanceHarness} for a Pub/Sub endpoint reached through {@code PUBSUB_EMULATOR_HOST}: the
 * in-process test server on virtual time (both the server's clock and Sluice's move only in
 * {@link #advance}), or any emulator on the wall clock.
 */
final class PubSubHarness implements ConformanceHarness {
    static final String PROJECT = "sluice-test";
    private static final Duration STEP = Duration.ofMillis(100);

    private final Sluice sluice;
    private final VirtualClock clock;
    private final ManualTimeSource serverTime;
    private final AutoCloseable server;
    private final String prefix;

    private PubSubHarness(String endpoint, VirtualClock clock, ManualTimeSource serverTime, AutoCloseable server) {
        this.clock = clock;
        this.serverTime = serverTime;
        this.server = server;
        this.prefix = "c" + Long.toString(System.nanoTime() % 1_000_000, 36);
        Sluice.Builder b = Sluice.builder().environment(Map.of(PubSubDriverProvider.EMULATOR_HOST, endpoint)::get);
        if (clock != null) b.scheduler(clock);
        this.sluice = b.build();
    }

    /** The in-process test server, with its clock and Sluice's both virtual. */
    static PubSubHarness testServer() {
        ManualTimeSource time = new ManualTimeSource();
        PubSubTestServer server = PubSubTestServer.start(time);
        return new PubSubHarness(server.endpoint(), new VirtualClock(), time, server);
    }

    /** An emulator already running at {@code endpoint}, on the wall clock; {@code owner} is closed last. */
    static PubSubHarness emulator(String endpoint, AutoCloseable owner) {
        return new PubSubHarness(endpoint, null, null, owner);
    }

    @Override
    public Sluice sluice() {
        return sluice;
    }

    @Override
    public QueueSpec.Builder newQueue(String name, boolean ordered) {
        String topic = prefix + "-" + name;
        return QueueSpec.builder("pubsub://projects/" + PROJECT + "/topics/" + topic + "?subscription=" + topic + "-sub")
                .ordering(ordered);
    }

    @Override
    public void advance(Duration duration) throws InterruptedException {
        if (clock == null) {
            Thread.sleep(duration.toMillis());
            return;
        }
        // Both clocks in small lockstep steps, Sluice's first: a lease extension due at a step reaches the
        // server before the server lets the old deadline pass.
        Duration left = duration;
        while (!left.isZero() && !left.isNegative()) {
            Duration step = left.compareTo(STEP) < 0 ? left : STEP;
            clock.advance(step);
            serverTime.advance(step);
            left = left.minus(step);
        }
    }

    @Override
    public Duration shortLease() {
        return Duration.ofSeconds(10);
    }

    @Override
    public boolean virtualTime() {
        return clock != null;
    }

    /** As the README's table: the publisher, the subscriber stub, the admin clients (each also as its interface). */
    @Override
    public Set<Class<?>> unwrapTypes() {
        return Set.of(Publisher.class, PublisherInterface.class, GrpcSubscriberStub.class, SubscriberStub.class,
                TopicAdminClient.class, SubscriptionAdminClient.class);
    }

    /** Pub/Sub answers an ack with an expired ack id with OK and ignores it (without exactly-once delivery). */
    @Override
    public StaleAck staleAck() {
        return StaleAck.IGNORED;
    }

    @Override
    public void close() {
        sluice.close();
        try {
            if (server != null) server.close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
