package dev.sluice.runtime.brokers;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Key;
import com.google.inject.name.Names;
import dev.sluice.DeadLetter;
import dev.sluice.Publisher;
import dev.sluice.core.Sluice;
import dev.sluice.runtime.inject.SluiceRuntime;
import dev.sluice.runtime.poller.PollerMain;
import dev.sluice.runtime.testapp.Recorder;
import dev.sluice.runtime.testapp.TestConfigs;
import dev.sluice.testkit.Await;
import dev.sluice.testkit.pubsub.PubSubTestServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Switching brokers is configuration only: the same application module (the test application, unchanged)
 * runs under the poller host on {@code mem://}, on SQS (ElasticMQ embedded on 127.0.0.1) and on Pub/Sub
 * (the test server on 127.0.0.1); only {@code SLUICE_QUEUE_ORDERS_URI} differs.
 */
class CrossBrokerTest {
    static ElasticMqServer sqs;
    static PubSubTestServer pubsub;

    @BeforeAll
    static void startBrokers() {
        sqs = ElasticMqServer.start();
        pubsub = PubSubTestServer.start();
    }

    @AfterAll
    static void stopBrokers() {
        if (pubsub != null) pubsub.close();
        if (sqs != null) sqs.close();
    }

    @Test
    void inMemory() {
        runTheApplication("mem://orders", Sluice.builder());
    }

    @Test
    void sqsOnElasticMq() {
        runTheApplication("sqs://orders-x?region=us-east-1&endpoint=" + sqs.endpoint(), ElasticMqServer.sqsSluice());
    }

    @Test
    void pubSubOnTheTestServer() {
        runTheApplication("pubsub://projects/acme/topics/orders-x?subscription=orders-x-worker&endpoint="
                + pubsub.endpoint(), Sluice.builder());
    }

    /** Publishes a good event, one that publishes a follow-up, and a poison one; checks handling and the DLQ. */
    static void runTheApplication(String uri, Sluice.Builder sluice) {
        Map<String, String> env = TestConfigs.env(uri);
        env.put("SLUICE_QUEUE_ORDERS_MAX_DELIVERY_ATTEMPTS", "5");
        SluiceRuntime runtime = SluiceRuntime.start(TestConfigs.config(env), sluice, List.of());
        try (PollerMain poller = PollerMain.start(runtime)) {
            Publisher orders = runtime.injector().getInstance(Key.get(Publisher.class, Names.named("orders")));
            String orderId = orders.publish("order.placed", Map.of("sku", "X1")).join().eventId();
            orders.publish("greet", Map.of("name", "ada")).join();
            orders.publish("greet", Map.of("name", "poison")).join();

            Recorder recorder = runtime.injector().getInstance(Recorder.class);
            Await.until("both good events handled on " + uri,
                    () -> recorder.handled().containsAll(List.of("greet:ada", "order:" + orderId)));
            AtomicReference<List<DeadLetter>> dead = new AtomicReference<>(List.of());
            Await.until("the poison event dead-lettered on " + uri, () -> {
                try {
                    dead.set(runtime.sluice().deadLetters(runtime.config().queues().get(0).spec()).peek(10));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return !dead.get().isEmpty();
            }, Duration.ofSeconds(60));
            assertThat(dead.get()).hasSize(1);
            assertThat(dead.get().get(0).event().getType()).isEqualTo("greet");
            assertThat(recorder.handled()).doesNotContain("greet:poison");
        }
    }
}
