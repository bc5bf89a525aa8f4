package dev.sluice.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.ConfigurationException;
import dev.sluice.PublishOptions;
import dev.sluice.QueueSpec;
import dev.sluice.core.Sluice;
import dev.sluice.worker.Worker;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListShareGroupOffsetsSpec;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the conformance suite does not see: the CloudEvents Kafka protocol binding on the wire (both ways, binary and
 * structured), the mode {@code auto} picks, the share group's delivery limit against {@code maxDeliveryAttempts}, and the
 * two behaviours of the share consumer the driver is built on.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KafkaDriverTest {
    private static final String TYPE = "dev.sluice.wire";
    /** The broker's meter of share-group acknowledgements, per type (Accept, Release, Reject): counts the whole broker. */
    private static final String ACKNOWLEDGEMENTS = "kafka.server:type=ShareGroupMetrics,name=RecordAcknowledgementsPerSec,ackType=";
    private static KafkaBroker broker;
    private final String prefix = "d" + UUID.randomUUID().toString().substring(0, 8) + "-";

    @BeforeAll
    static void broker() {
        broker = KafkaBroker.shared();
    }

    @Test
    void aPublishedEventIsARecordWithCeHeadersContentTypeAndTheOrderingKeyAsItsKey() throws Exception {
        String topic = prefix + "binary";
        try (Sluice sluice = Sluice.create()) {
            sluice.open(QueueSpec.builder(broker.uri(topic, "mode=consumer")).build());
            CloudEvent event = CloudEventBuilder.v1().withId("order-1").withSource(URI.create("/shop")).withType("order.placed")
                    .withDataContentType("application/json").withExtension("tenant", "acme")
                    .withData("{\"total\":42}".getBytes(StandardCharsets.UTF_8)).build();
            sluice.publisher(broker.uri(topic, "mode=consumer")).publish(event, PublishOptions.orderingKey("customer-7"))
                    .get(30, TimeUnit.SECONDS);
        }
        ConsumerRecord<byte[], byte[]> r = readOne(topic);
        Map<String, String> headers = new HashMap<>();
        for (Header h : r.headers()) headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
        assertThat(headers).containsEntry("ce_specversion", "1.0").containsEntry("ce_id", "order-1")
                .containsEntry("ce_source", "/shop").containsEntry("ce_type", "order.placed")
                .containsEntry("ce_tenant", "acme").containsEntry("content-type", "application/json");
        assertThat(headers.keySet()).noneMatch(k -> k.startsWith("ce-"));
        assertThat(new String(r.key(), StandardCharsets.UTF_8)).as("the record key").isEqualTo("customer-7");
        assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo("{\"total\":42}");
    }

    @Test
    void recordsAnotherProducerWritesInBinaryOrStructuredModeAreReadAsTheirCloudEvents() throws Exception {
        String topic = prefix + "foreign";
        String uri = broker.uri(topic, "mode=share");
        try (Sluice sluice = Sluice.create(); KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(KafkaConnection.plaintext(broker.bootstrap()))) {
            QueueSpec spec = QueueSpec.builder(uri).build();
            sluice.open(spec);
            ProducerRecord<byte[], byte[]> binary = new ProducerRecord<>(topic, "k".getBytes(), "hello".getBytes());
            binary.headers().add("ce_specversion", "1.0".getBytes()).add("ce_id", "b-1".getBytes())
                    .add("ce_source", "/other".getBytes()).add("ce_type", TYPE.getBytes()).add("content-type", "text/plain".getBytes());
            String json = "{\"specversion\":\"1.0\",\"id\":\"s-1\",\"source\":\"/other\",\"type\":\"" + TYPE
                    + "\",\"datacontenttype\":\"text/plain\",\"data\":\"structured\"}";
            ProducerRecord<byte[], byte[]> structured = new ProducerRecord<>(topic, null, json.getBytes(StandardCharsets.UTF_8));
            structured.headers().add("content-type", "application/cloudevents+json; charset=UTF-8".getBytes());
            producer.send(binary).get(30, TimeUnit.SECONDS);
            producer.send(structured).get(30, TimeUnit.SECONDS);

            Map<String, CompletableFuture<CloudEvent>> got = Map.of("b-1", new CompletableFuture<>(), "s-1", new CompletableFuture<>());
            try (Worker worker = sluice.worker(spec).on(TYPE, (e, d) -> got.get(e.getId()).complete(e)).start()) {
                CloudEvent b = got.get("b-1").get(30, TimeUnit.SECONDS);
                CloudEvent s = got.get("s-1").get(30, TimeUnit.SECONDS);
                assertThat(new String(b.getData().toBytes(), StandardCharsets.UTF_8)).isEqualTo("hello");
                assertThat(b.getDataContentType()).isEqualTo("text/plain");
                assertThat(new String(s.getData().toBytes(), StandardCharsets.UTF_8)).isEqualTo("structured");
            }
        }
    }

    @Test
    void autoModeUsesShareGroupsOnABrokerThatHasThem() {
        try (Sluice sluice = Sluice.create()) {
            assertThat(sluice.driver(URI.create(broker.uri(prefix + "auto", ""))).capabilities().broker()).isEqualTo("Kafka share group");
            assertThat(sluice.driver(URI.create(broker.uri(prefix + "auto", "mode=consumer"))).capabilities().ordering()).isTrue();
        }
    }

    @Test
    void aShareGroupWhoseDeliveryLimitIsBelowMaxDeliveryAttemptsStopsTheStartUpNamingBoth() throws Exception {
        String topic = prefix + "limit";
        String group = "sluice-" + topic;
        try (Admin admin = broker.admin()) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
            admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.GROUP, group), List.of(
                    new AlterConfigOp(new ConfigEntry("share.delivery.count.limit", "3"), AlterConfigOp.OpType.SET),
                    new AlterConfigOp(new ConfigEntry("share.auto.offset.reset", "earliest"), AlterConfigOp.OpType.SET)))).all().get();
        }
        try (Sluice sluice = Sluice.create()) {
            QueueSpec verify = QueueSpec.builder(broker.uri(topic, "mode=share")).maxDeliveryAttempts(5)
                    .provisioning(QueueSpec.Provisioning.VERIFY).build();
            assertThatThrownBy(() -> sluice.open(verify)).isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("maxDeliveryAttempts is 5").hasMessageContaining("share.delivery.count.limit=3")
                    .hasMessageContaining(group);
        }
        try (Sluice sluice = Sluice.create(); Admin admin = broker.admin()) {
            sluice.open(QueueSpec.builder(broker.uri(topic, "mode=share")).maxDeliveryAttempts(5).build());
            ConfigResource g = new ConfigResource(ConfigResource.Type.GROUP, group);
            assertThat(admin.describeConfigs(List.of(g)).all().get().get(g).get("share.delivery.count.limit").value())
                    .as("raised by provisioning").isEqualTo("5");
        }
    }

    /**
     * A permanent failure in share-group mode: Sluice writes the dead letter with its reason, then the record is
     * {@code REJECT}ed (archived as failed, never delivered again), while a handled record is {@code ACCEPT}ed. Read
     * from the broker: its acknowledgement meters, and the group's lag (Admin {@code listShareGroupOffsets}) at 0.
     */
    @Test
    void aPermanentlyFailedRecordIsDeadLetteredWithItsReasonThenRejectedByTheShareGroup() throws Exception {
        String topic = prefix + "reject";
        QueueSpec spec = QueueSpec.builder(broker.uri(topic, "mode=share")).build();
        try (Sluice sluice = Sluice.create(); Admin admin = broker.admin()) {
            sluice.open(spec);
            long accepted = broker.meterCount(ACKNOWLEDGEMENTS + "Accept");
            long rejected = broker.meterCount(ACKNOWLEDGEMENTS + "Reject");
            java.util.concurrent.atomic.AtomicInteger badCalls = new java.util.concurrent.atomic.AtomicInteger();
            try (Worker worker = sluice.worker(spec).on(TYPE, (e, d) -> {
                if ("bad".equals(e.getId())) {
                    badCalls.incrementAndGet();
                    throw new dev.sluice.PermanentFailureException("bad address");
                }
            }).start()) {
                for (String id : List.of("bad", "good")) {
                    sluice.publisher(spec.uri().toString()).publish(CloudEventBuilder.v1().withId(id)
                            .withSource(URI.create("/t")).withType(TYPE).build()).get(30, TimeUnit.SECONDS);
                }
                dev.sluice.testkit.Await.until("one REJECT counted by the broker",
                        () -> broker.meterCount(ACKNOWLEDGEMENTS + "Reject") - rejected >= 1);
                dev.sluice.testkit.Await.until("one ACCEPT counted by the broker",
                        () -> broker.meterCount(ACKNOWLEDGEMENTS + "Accept") - accepted >= 1);
                dev.sluice.testkit.Await.until("the share group's lag to be 0 (both records archived)", () -> {
                    try {
                        var info = admin.listShareGroupOffsets(Map.of("sluice-" + topic, new ListShareGroupOffsetsSpec()))
                                .partitionsToOffsetInfo("sluice-" + topic).get(10, TimeUnit.SECONDS).get(new TopicPartition(topic, 0));
                        return info != null && info.lag().orElse(-1L) == 0;
                    } catch (Exception e) {
                        return false;
                    }
                });
            }
            List<dev.sluice.DeadLetter> dead = sluice.deadLetters(spec).peek(10);
            assertThat(dead).hasSize(1);
            assertThat(dead.get(0).event().getId()).isEqualTo("bad");
            dev.sluice.DeadLetterReason reason = dead.get(0).reason().orElseThrow();
            assertThat(reason.cause()).isEqualTo(dev.sluice.DeadLetterReason.Cause.PERMANENT_FAILURE);
            assertThat(reason.message()).isEqualTo("bad address");
            assertThat(broker.meterCount(ACKNOWLEDGEMENTS + "Reject") - rejected).as("records rejected").isEqualTo(1);
            assertThat(badCalls).as("the rejected record was not delivered again").hasValue(1);
        }
    }

    /**
     * Consumer-group mode: a keyed record waits in place for its retry, and its attempts are committed with its
     * partition's offset, so the next worker goes on from them: with 3 attempts, 2 failed in the first worker leave one
     * for the second, which then dead-letters it as attempt 3. The commit is made after the failure, not at close, so a
     * worker killed at that point leaves the same.
     */
    @Test
    void aKeyedRecordsAttemptsAreCommittedSoTheNextWorkerGoesOnFromThem() throws Exception {
        String topic = prefix + "attempts";
        String uri = broker.uri(topic, "mode=consumer");
        QueueSpec spec = QueueSpec.builder(uri).maxDeliveryAttempts(3)
                .retryPolicy(dev.sluice.RetryPolicy.exponential(Duration.ofMillis(200)).multiplier(300)
                        .maxDelay(Duration.ofMinutes(1)).jitter(0).build()).build();
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        try (Sluice sluice = Sluice.create(); Admin admin = broker.admin()) {
            sluice.open(spec);
            try (Worker worker = sluice.worker(spec).on(TYPE, (e, d) -> {
                calls.incrementAndGet();
                throw new IllegalStateException("attempt " + d.attempt());
            }).start()) {
                sluice.publisher(uri).publish(CloudEventBuilder.v1().withId("k-1").withSource(URI.create("/t")).withType(TYPE)
                        .build(), PublishOptions.orderingKey("customer-1")).get(30, TimeUnit.SECONDS);
                dev.sluice.testkit.Await.until("two failed attempts, the second committed with the offset", () -> {
                    try {
                        var o = admin.listConsumerGroupOffsets("sluice-" + topic).partitionsToOffsetAndMetadata()
                                .get(10, TimeUnit.SECONDS).get(new TopicPartition(topic, 0));
                        return calls.get() == 2 && o != null && o.offset() == 0 && o.metadata().endsWith("0:2");
                    } catch (Exception e) {
                        return false;
                    }
                });
            }
        }
        assertThat(calls).as("attempts in the first worker").hasValue(2);
        try (Sluice sluice = Sluice.create()) {
            List<Integer> attempts = new java.util.concurrent.CopyOnWriteArrayList<>();
            try (Worker worker = sluice.worker(spec).on(TYPE, (e, d) -> {
                attempts.add(d.attempt().orElse(-1));
                throw new IllegalStateException("attempt " + d.attempt());
            }).start()) {
                dev.sluice.testkit.Await.until("the dead letter", () -> {
                    try {
                        return !sluice.deadLetters(spec).peek(5).isEmpty();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return false;
                    }
                });
            }
            assertThat(attempts).as("the second worker's attempts").containsExactly(3);
            dev.sluice.DeadLetterReason reason = sluice.deadLetters(spec).peek(5).get(0).reason().orElseThrow();
            assertThat(reason.cause()).isEqualTo(dev.sluice.DeadLetterReason.Cause.MAX_ATTEMPTS);
            assertThat(reason.attempts()).isEqualTo(3);
        }
    }

    /**
     * The share consumer (explicit mode) refuses to poll past an unacknowledged record, and a record acknowledged with
     * RENEW comes back, alone, from the next poll: why the driver runs several members, each polling only when its batch
     * is settled, and polls after each renewal. If a Kafka upgrade changes either, this test says so first.
     */
    @Test
    void theShareConsumerBehavioursTheDriverIsBuiltOn() throws Exception {
        String topic = prefix + "facts";
        try (Admin admin = broker.admin()) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
            admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.GROUP, "facts-" + topic), List.of(
                    new AlterConfigOp(new ConfigEntry("share.auto.offset.reset", "earliest"), AlterConfigOp.OpType.SET)))).all().get();
        }
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(KafkaConnection.plaintext(broker.bootstrap()))) {
            for (int i = 0; i < 3; i++) producer.send(new ProducerRecord<>(topic, ("v" + i).getBytes())).get(30, TimeUnit.SECONDS);
        }
        Map<String, Object> c = new HashMap<>();
        c.put("bootstrap.servers", broker.bootstrap());
        c.put("group.id", "facts-" + topic);
        c.put("share.acknowledgement.mode", "explicit");
        c.put("share.acquire.mode", "record_limit");
        c.put("max.poll.records", 1);
        try (KafkaShareConsumer<byte[], byte[]> consumer = new KafkaShareConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            List<ConsumerRecord<byte[], byte[]>> first = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (first.isEmpty() && System.nanoTime() < deadline) consumer.poll(Duration.ofMillis(200)).forEach(first::add);
            assertThat(first).hasSize(1);
            assertThat(first.get(0).deliveryCount()).hasValue((short) 1);
            assertThatThrownBy(() -> consumer.poll(Duration.ofMillis(100))).isInstanceOf(IllegalStateException.class);

            consumer.acknowledge(first.get(0), AcknowledgeType.RENEW);
            assertThat(consumer.commitSync()).allSatisfy((p, e) -> assertThat(e).isEmpty());
            ConsumerRecords<byte[], byte[]> again = consumer.poll(Duration.ofSeconds(5));
            assertThat(again.count()).as("only the renewed record").isEqualTo(1);
            ConsumerRecord<byte[], byte[]> renewed = again.iterator().next();
            assertThat(renewed.offset()).isEqualTo(first.get(0).offset());
            assertThat(renewed.deliveryCount()).as("a renewal is not a delivery").hasValue((short) 1);
            consumer.acknowledge(renewed, AcknowledgeType.ACCEPT);
            assertThat(consumer.commitSync()).allSatisfy((p, e) -> assertThat(e).isEmpty());
        }
    }

    private static ConsumerRecord<byte[], byte[]> readOne(String topic) {
        Map<String, Object> c = new HashMap<>();
        c.put("bootstrap.servers", broker.bootstrap());
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) return r;
            }
            throw new AssertionError("no record on " + topic);
        }
    }
}
