package dev.sluice.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * One idempotent producer and one Admin client per connection (bootstrap list and security settings), shared by the
 * drivers of one provider and closed when the last of them is released.
 */
final class KafkaClients {
    /** A producer and an Admin client on one cluster. */
    record Shared(KafkaProducer<byte[], byte[]> producer, Admin admin) {
    }

    private final Map<KafkaConnection, Shared> shared = new HashMap<>();
    private final Map<KafkaConnection, Integer> users = new HashMap<>();

    synchronized Shared acquire(KafkaConnection bootstrap) {
        Shared s = shared.get(bootstrap);
        if (s == null) {
            KafkaProducer<byte[], byte[]> producer = producer(bootstrap);
            try {
                s = new Shared(producer, admin(bootstrap));
            } catch (RuntimeException e) {
                producer.close(Duration.ZERO);
                throw e;
            }
            shared.put(bootstrap, s);
        }
        users.merge(bootstrap, 1, Integer::sum);
        return s;
    }

    synchronized void release(KafkaConnection bootstrap) {
        Integer n = users.get(bootstrap);
        if (n == null) return;
        if (n > 1) {
            users.put(bootstrap, n - 1);
            return;
        }
        users.remove(bootstrap);
        Shared s = shared.remove(bootstrap);
        s.producer().close(Duration.ofSeconds(5));
        s.admin().close(Duration.ofSeconds(5));
    }

    /** {@code acks=all}, idempotence on: a retried send is written once, in order, per partition. */
    static KafkaProducer<byte[], byte[]> producer(KafkaConnection connection) {
        Map<String, Object> c = connection.config();
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        c.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        c.put(ProducerConfig.LINGER_MS_CONFIG, 2);
        c.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
        c.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        c.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        c.put(ProducerConfig.CLIENT_ID_CONFIG, "sluice-producer");
        return new KafkaProducer<>(c, new ByteArraySerializer(), new ByteArraySerializer());
    }

    static Admin admin(KafkaConnection connection) {
        Map<String, Object> c = connection.config();
        c.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        c.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000);
        c.put(AdminClientConfig.CLIENT_ID_CONFIG, "sluice-admin");
        return Admin.create(c);
    }
}
