package dev.sluice.testkit.pubsub;

import static dev.sluice.testkit.pubsub.PubSubClients.data;
import static dev.sluice.testkit.pubsub.PubSubClients.message;
import static dev.sluice.testkit.pubsub.PubSubClients.publish;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.pubsub.v1.Publisher;
import com.google.pubsub.v1.ReceivedMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Ordering keys on a subscription with enable_message_ordering. */
class OrderingTest {

    @Test
    void onlyOneBatchOfAKeyIsOutstandingAndOtherKeysAreNotHeldUp() throws Exception {
        try (PubSubClients clients = PubSubClients.start(new ManualTimeSource())) {
            String topic = clients.newTopic();
            String subscription = clients.newSubscription(topic, builder -> builder.setEnableMessageOrdering(true));
            Publisher publisher = clients.publisher(topic);
            publish(publisher, message("a1", "A"));
            publish(publisher, message("a2", "A"));
            publish(publisher, message("b1", "B"));

            List<ReceivedMessage> firstBatch = clients.pull(subscription, 10);
            assertThat(data(firstBatch)).containsExactly("a1", "a2", "b1");

            publish(publisher, message("a3", "A"));
            publish(publisher, message("b2", "B"));
            clients.ack(subscription, firstBatch.get(2));
            assertThat(data(clients.pull(subscription, 10))).as("A's batch is still out").containsExactly("b2");

            clients.ack(subscription, firstBatch.get(0), firstBatch.get(1));
            assertThat(data(clients.pull(subscription, 10))).containsExactly("a3");
        }
    }

    @Test
    void aNackRedeliversTheLaterMessagesOfItsBatchInOrderEvenWhenAcknowledged() throws Exception {
        try (PubSubClients clients = PubSubClients.start(new ManualTimeSource())) {
            String topic = clients.newTopic();
            String subscription = clients.newSubscription(topic, builder -> builder.setEnableMessageOrdering(true));
            Publisher publisher = clients.publisher(topic);
            for (String data : List.of("k1", "k2", "k3", "k4")) {
                publish(publisher, message(data, "K"));
            }
            publish(publisher, message("other", "L"));
            List<ReceivedMessage> batch = clients.pull(subscription, 10);
            assertThat(data(batch)).containsExactly("k1", "k2", "k3", "k4", "other");

            clients.ack(subscription, batch.get(0), batch.get(2), batch.get(4));
            clients.modifyAckDeadline(subscription, 0, batch.get(1));

            assertThat(data(clients.pull(subscription, 10))).containsExactly("k2", "k3", "k4");
        }
    }

    @Test
    void anExpiredDeadlineRedeliversTheLaterMessagesOfItsBatchToo() throws Exception {
        ManualTimeSource time = new ManualTimeSource();
        try (PubSubClients clients = PubSubClients.start(time)) {
            String topic = clients.newTopic();
            String subscription = clients.newSubscription(topic, builder -> builder.setEnableMessageOrdering(true));
            Publisher publisher = clients.publisher(topic);
            publish(publisher, message("k1", "K"));
            publish(publisher, message("k2", "K"));
            List<ReceivedMessage> batch = clients.pull(subscription, 10);
            clients.modifyAckDeadline(subscription, 60, batch.get(1));

            time.advance(Duration.ofSeconds(10));

            assertThat(data(clients.pull(subscription, 10))).containsExactly("k1", "k2");
        }
    }

    @Test
    void theJavaSubscriberSeesEachKeyInOrderAndTheRedeliveredTailAfterANack() throws Exception {
        try (PubSubClients clients = PubSubClients.start()) {
            String topic = clients.newTopic();
            String subscription = clients.newSubscription(topic, builder -> builder.setEnableMessageOrdering(true));
            Publisher publisher = clients.publisher(topic);
            List<String> keys = List.of("red", "green", "blue");
            // All published before the Subscriber starts, so each key's first batch holds all 20. One at a
            // time: the Java Publisher's own batching of many ordering keys at once is racy (it once left a
            // key's batch unsent, and publishAllOutstanding threw ConcurrentModificationException).
            for (int i = 0; i < 20; i++) {
                for (String key : keys) {
                    publish(publisher, message(key + ":" + i, key));
                }
            }
            Map<String, List<Integer>> deliveries = new ConcurrentHashMap<>();
            Map<String, Boolean> nacked = new ConcurrentHashMap<>();
            CountDownLatch tailsRedelivered = new CountDownLatch(keys.size());

            clients.subscriber(subscription, (message, consumer) -> {
                String key = message.getOrderingKey();
                int index = Integer.parseInt(message.getData().toStringUtf8().split(":")[1]);
                List<Integer> log = deliveries.computeIfAbsent(key, k -> new ArrayList<>());
                synchronized (log) {
                    log.add(index);
                }
                if (index == 3 && nacked.putIfAbsent(key, true) == null) {
                    consumer.nack();
                    return;
                }
                consumer.ack();
                if (index == 19 && Boolean.TRUE.equals(nacked.get(key)) && countOf(log, 3) == 2) {
                    tailsRedelivered.countDown();
                }
            });

            assertThat(tailsRedelivered.await(30, TimeUnit.SECONDS)).isTrue();
            for (String key : keys) {
                List<Integer> log = deliveries.get(key);
                synchronized (log) {
                    assertThat(log.subList(0, 4)).as(key).containsExactly(0, 1, 2, 3);
                    List<Integer> tail = IntStream.rangeClosed(3, 19).boxed().toList();
                    assertThat(log.subList(log.size() - tail.size(), log.size())).as(key).isEqualTo(tail);
                    List<Integer> between = log.subList(4, log.size() - tail.size());
                    assertThat(between).as(key + ": the rest of the first batch, in order")
                            .isEqualTo(IntStream.range(4, 4 + between.size()).boxed().toList());
                }
            }
        }
    }

    private static long countOf(List<Integer> log, int value) {
        synchronized (log) {
            return log.stream().filter(i -> i == value).count();
        }
    }
}
