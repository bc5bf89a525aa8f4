package dev.sluice.kafka;

import dev.sluice.spi.OutboundMessage;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Sluice's wire message &lt;-&gt; a Kafka record, per the CloudEvents Kafka protocol binding: the codec's binary-mode
 * attributes {@code ce-<name>} travel as headers {@code ce_<name>}, {@code content-type} as it is (structured mode:
 * {@code application/cloudevents+json}), the data as the record value, the ordering key as the record key (the
 * binding's {@code partitionkey}). Header values are UTF-8.
 */
final class KafkaWire {
    private KafkaWire() {
    }

    static final String CODEC_PREFIX = "ce-";
    static final String KAFKA_PREFIX = "ce_";

    /** The record for {@code m} on {@code topic}. */
    static ProducerRecord<byte[], byte[]> record(String topic, OutboundMessage m) {
        RecordHeaders headers = new RecordHeaders();
        m.attributes().forEach((k, v) -> headers.add(headerName(k), v.getBytes(StandardCharsets.UTF_8)));
        byte[] key = m.orderingKey() == null ? null : m.orderingKey().getBytes(StandardCharsets.UTF_8);
        return new ProducerRecord<>(topic, null, key, m.body(), headers);
    }

    /** A copy of {@code r} for {@code topic}, its headers as they are plus {@code extra}. */
    static ProducerRecord<byte[], byte[]> copy(String topic, ConsumerRecord<byte[], byte[]> r, Map<String, String> extra) {
        RecordHeaders headers = new RecordHeaders();
        for (Header h : r.headers()) if (!extra.containsKey(h.key())) headers.add(h.key(), h.value());
        extra.forEach((k, v) -> headers.add(k, v.getBytes(StandardCharsets.UTF_8)));
        return new ProducerRecord<>(topic, null, r.key(), r.value(), headers);
    }

    /** The attributes of a received record: headers {@code ce_x} as {@code ce-x}, the rest as they are; the last of a repeated name wins. */
    static Map<String, String> attributes(ConsumerRecord<byte[], byte[]> r) {
        Map<String, String> attributes = new LinkedHashMap<>();
        for (Header h : r.headers()) {
            if (h.key().startsWith(ConsumerSide.INTERNAL_PREFIX)) continue;
            String name = h.key().startsWith(KAFKA_PREFIX) ? CODEC_PREFIX + h.key().substring(KAFKA_PREFIX.length()) : h.key();
            attributes.put(name, h.value() == null ? "" : new String(h.value(), StandardCharsets.UTF_8));
        }
        return attributes;
    }

    /** The value of header {@code name} as UTF-8, or null. */
    static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    static String key(ConsumerRecord<byte[], byte[]> r) {
        return r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
    }

    static byte[] value(ConsumerRecord<byte[], byte[]> r) {
        return r.value() == null ? new byte[0] : r.value();
    }

    static Instant time(ConsumerRecord<byte[], byte[]> r) {
        return r.timestamp() < 0 ? null : Instant.ofEpochMilli(r.timestamp());
    }

    /** The message id Sluice shows: {@code <partition>@<offset>}, the same for every delivery of a record. */
    static String messageId(int partition, long offset) {
        return partition + "@" + offset;
    }

    private static String headerName(String attribute) {
        return attribute.startsWith(CODEC_PREFIX) ? KAFKA_PREFIX + attribute.substring(CODEC_PREFIX.length()) : attribute;
    }

    /** The headers the consumer-group mode adds to its own retry copies; never shown as attributes. */
    static final class ConsumerSide {
        static final String INTERNAL_PREFIX = "sluice_";

        private ConsumerSide() {
        }
    }
}
