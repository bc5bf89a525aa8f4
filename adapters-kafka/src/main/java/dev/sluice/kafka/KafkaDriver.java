package dev.sluice.kafka;

import dev.sluice.ConfigurationException;
import dev.sluice.ErrorCode;
import dev.sluice.QueueDepth;
import dev.sluice.QueueSpec;
import dev.sluice.SluiceException;
import dev.sluice.spi.AckFailure;
import dev.sluice.spi.Capabilities;
import dev.sluice.spi.DriverError;
import dev.sluice.spi.InboundMessage;
import dev.sluice.spi.OutboundMessage;
import dev.sluice.spi.QueueDriver;
import dev.sluice.spi.SendResult;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.FeatureMetadata;
import org.apache.kafka.clients.admin.FinalizedVersionRange;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver for one topic. Sends through the provider's shared idempotent producer ({@code acks=all}); receives
 * and settles through a {@link ShareReceiver} (share-group mode) or a {@link ConsumerReceiver} (consumer-group mode),
 * chosen by the URI's {@code mode} and, for {@code auto}, by whether the broker has share groups ({@code share.version}
 * finalized at 1 or more), asked once. It does not retry and does not encode CloudEvents.
 */
final class KafkaDriver implements QueueDriver {
    private static final Logger log = LoggerFactory.getLogger(KafkaDriver.class);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    /** How long provisioning waits for the partitions of a topic it created to be served. */
    private static final Duration LEADER_WAIT = Duration.ofSeconds(10);
    static final String AUTO_OFFSET_RESET = "share.auto.offset.reset";
    static final String LOCK_DURATION = "share.record.lock.duration.ms";
    static final String DELIVERY_LIMIT = "share.delivery.count.limit";

    private final KafkaAddress address;
    private final KafkaClients clients;
    /** The environment, for the secrets of a dead-letter queue's URI. */
    private final java.util.function.Function<String, String> env;
    private volatile KafkaClients.Shared shared;
    private volatile KafkaAddress.Mode mode;
    private volatile Receiver receiver;
    private volatile boolean topicSeen;
    /** Topics this driver created whose partition leaders have not been seen serving them yet. */
    private final java.util.Set<String> unserved = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    KafkaDriver(KafkaAddress address, KafkaClients clients, java.util.function.Function<String, String> env) {
        this.address = address;
        this.clients = clients;
        this.env = env;
    }

    @Override
    public Capabilities capabilities() {
        return mode() == KafkaAddress.Mode.SHARE ? KafkaCapabilities.SHARE : KafkaCapabilities.CONSUMER;
    }

    @Override
    public URI uri() {
        return address.uri();
    }

    /**
     * Not read here: a Kafka topic has no queue depth of its own, only a group's lag, which Sluice leaves to the tools
     * that compute it; the note names them for this topic and group.
     */
    @Override
    public QueueDepth depth() {
        String tool = mode() == KafkaAddress.Mode.SHARE ? "kafka-share-groups.sh --describe --group " + address.group()
                : "kafka-consumer-groups.sh --describe --group " + address.group();
        return QueueDepth.unknown(uri(), "Kafka tells a group's lag, not a queue's depth: read it with " + tool
                + " (LAG per partition of topic " + address.topic() + "), or the consumer's records-lag-max metric");
    }

    @Override
    public URI defaultDeadLetterUri() {
        return address.defaultDeadLetterUri();
    }

    /** The mode this driver runs in: the URI's, or for {@code auto} the broker's answer, asked once. */
    KafkaAddress.Mode mode() {
        KafkaAddress.Mode m = mode;
        if (m != null) return m;
        synchronized (this) {
            if (mode != null) return mode;
            if (address.mode() == KafkaAddress.Mode.CONSUMER) {
                mode = KafkaAddress.Mode.CONSUMER;
            } else {
                boolean share = shareGroups();
                if (!share && address.mode() == KafkaAddress.Mode.SHARE) {
                    throw new ConfigurationException("queue uri '" + dev.sluice.Redaction.uri(address.uri()) + "' asks for"
                            + " mode=share but the Kafka cluster at " + address.bootstrap() + " has no share groups (feature"
                            + " share.version is not finalized: Kafka 4.2 or newer, kafka-features.sh upgrade --feature"
                            + " share.version=1); use mode=consumer or mode=auto");
                }
                mode = share ? KafkaAddress.Mode.SHARE : KafkaAddress.Mode.CONSUMER;
                log.debug("{}: {} mode", address.describe(), mode);
            }
            return mode;
        }
    }

    /** Whether the cluster has share groups; a broker too old to describe its features (before 3.3) has none. */
    private boolean shareGroups() {
        FeatureMetadata features;
        try {
            features = call(admin().describeFeatures().featureMetadata(), "describing the cluster's features");
        } catch (SluiceException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.UnsupportedVersionException) return false;
            throw e;
        }
        FinalizedVersionRange v = features.finalizedFeatures().get("share.version");
        return v != null && v.maxVersionLevel() >= 1;
    }

    // ---- send ------------------------------------------------------------------------------------------

    @Override
    public List<SendResult> send(List<OutboundMessage> batch) {
        SendResult[] results = new SendResult[batch.size()];
        try {
            requireTopic("send");
        } catch (SluiceException e) {
            DriverError error = new DriverError(e.code(), e.getMessage(), e);
            return batch.stream().map(m -> SendResult.failed(error)).toList();
        }
        KafkaProducer<byte[], byte[]> producer = shared().producer();
        List<Future<RecordMetadata>> pending = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            OutboundMessage m = batch.get(i);
            String invalid = invalid(m);
            if (invalid != null) {
                results[i] = SendResult.failed(new DriverError(ErrorCode.INVALID, invalid));
                pending.add(null);
                continue;
            }
            try {
                pending.add(producer.send(KafkaWire.record(address.topic(), m)));
            } catch (RuntimeException e) {
                results[i] = SendResult.failed(KafkaErrors.error(e, "send of message " + m.id(), address));
                pending.add(null);
            }
        }
        for (int i = 0; i < batch.size(); i++) {
            if (pending.get(i) == null) continue;
            try {
                RecordMetadata md = pending.get(i).get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                results[i] = SendResult.ok(KafkaWire.messageId(md.partition(), md.offset()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                results[i] = SendResult.failed(new DriverError(ErrorCode.UNAVAILABLE, "send on " + address.describe()
                        + " interrupted; the message may or may not have been written", e));
            } catch (ExecutionException | TimeoutException e) {
                results[i] = SendResult.failed(KafkaErrors.error(e, "send of message " + batch.get(i).id(), address));
            }
        }
        return List.of(results);
    }

    /** Why this topic cannot take {@code m}, or null. */
    private String invalid(OutboundMessage m) {
        if (m.encodedSize() > KafkaCapabilities.MAX_MESSAGE_BYTES) {
            return "message " + m.id() + " is " + m.encodedSize() + " bytes (value, header names and values); "
                    + address.describe() + " accepts at most " + KafkaCapabilities.MAX_MESSAGE_BYTES + " bytes; store the"
                    + " payload elsewhere and send a reference";
        }
        if (m.orderingKey() != null && !capabilities().ordering()) {
            return "message " + m.id() + " has ordering key '" + m.orderingKey() + "'; a share group does not keep order,"
                    + " so " + address.describe() + " takes no ordering key (use mode=consumer for per-key order)";
        }
        if (!m.delay().isZero()) {
            return "message " + m.id() + " has a delay of " + m.delay() + "; Kafka has no per-message delay";
        }
        if (m.deduplicationId() != null) {
            return "message " + m.id() + " has a deduplication id; Kafka does not deduplicate by id (the idempotent"
                    + " producer only drops its own retries)";
        }
        for (String key : m.attributes().keySet()) {
            if (key.startsWith(KafkaWire.ConsumerSide.INTERNAL_PREFIX)) {
                return "message " + m.id() + " has attribute '" + key + "'; names starting with '"
                        + KafkaWire.ConsumerSide.INTERNAL_PREFIX + "' are the driver's own headers";
            }
        }
        return null;
    }

    // ---- receive and settle ----------------------------------------------------------------------------

    @Override
    public List<InboundMessage> receive(int max, Duration maxWait) throws InterruptedException {
        if (Thread.interrupted()) throw new InterruptedException();
        requireTopic("receive");
        return receiver().receive(Math.max(1, Math.min(max, KafkaCapabilities.MAX_BATCH)), maxWait);
    }

    @Override
    public List<AckFailure> ack(List<InboundMessage> batch) {
        return batch.isEmpty() ? List.of() : receiver().ack(batch);
    }

    /** Share-group mode: {@code REJECT} (archived as failed, never delivered again); consumer-group mode: an ack. */
    @Override
    public List<AckFailure> ackDeadLettered(List<InboundMessage> batch) {
        return batch.isEmpty() ? List.of() : receiver().ackDeadLettered(batch);
    }

    @Override
    public void nack(InboundMessage message, Duration delay) {
        receiver().nack(message, delay);
    }

    @Override
    public void extendLease(InboundMessage message, Duration lease) {
        receiver().extendLease(message, lease);
    }

    private Receiver receiver() {
        Receiver r = receiver;
        if (r != null) return r;
        synchronized (this) {
            if (closed) throw new IllegalStateException("the driver for " + address.describe() + " is closed");
            if (receiver == null) {
                receiver = mode() == KafkaAddress.Mode.SHARE ? new ShareReceiver(address)
                        : new ConsumerReceiver(address, () -> shared().producer(), this::retryTopicExists);
            }
            return receiver;
        }
    }

    /** Fails with NOT_FOUND, naming the topic and the broker, when the topic does not exist; remembers that it does. */
    private void requireTopic(String action) {
        if (topicSeen) return;
        try {
            call(admin().describeTopics(List.of(address.topic())).allTopicNames(), "describing the topic");
            topicSeen = true;
        } catch (SluiceException e) {
            if (e.code() == ErrorCode.NOT_FOUND) throw KafkaErrors.missing(address, capabilities().broker(), action);
            throw e;
        }
    }

    /** Whether {@code <topic>-retry} exists (consumer-group mode's non-blocking retries go there). */
    private boolean retryTopicExists() {
        try {
            call(admin().describeTopics(List.of(address.topic() + ConsumerReceiver.RETRY_SUFFIX)).allTopicNames(),
                    "describing the retry topic");
            return true;
        } catch (SluiceException e) {
            if (e.code() != ErrorCode.NOT_FOUND) log.warn("{}: {}", address.describe(), e.getMessage());
            return false;
        }
    }

    // ---- provisioning ----------------------------------------------------------------------------------

    @Override
    public List<String> provision(QueueSpec spec, URI deadLetterUri) {
        boolean create = spec.provisioning() == QueueSpec.Provisioning.CREATE_IF_MISSING;
        List<String> mismatches = new ArrayList<>();
        ensureTopic(admin(), address, create, spec, mismatches);
        if (deadLetterUri != null && "kafka".equals(deadLetterUri.getScheme())) {
            KafkaAddress dlq = KafkaAddress.parse(deadLetterUri, env);
            if (dlq.connection().equals(address.connection())) {
                ensureTopic(admin(), dlq, create, spec, mismatches);
            } else {
                try (Admin other = KafkaClients.admin(dlq.connection())) {
                    ensureTopic(other, dlq, create, spec, mismatches);
                }
            }
        }
        Receiver r = receiver();
        if (r instanceof ConsumerReceiver) {
            KafkaAddress retry = address.withTopic(address.topic() + ConsumerReceiver.RETRY_SUFFIX);
            ensureTopic(admin(), retry, create, spec, mismatches);
        }
        if (r instanceof ShareReceiver share) {
            shareGroup(spec, create, mismatches);
            share.configure(spec.lease(), Math.max(2, Math.min(16, (spec.concurrency() + 1) / 2)));
        } else if (r instanceof ConsumerReceiver consumer) {
            consumer.configure(spec.lease());
        }
        return mismatches;
    }

    private void ensureTopic(Admin admin, KafkaAddress a, boolean create, QueueSpec spec, List<String> mismatches) {
        try {
            Map<String, TopicDescription> d = call(admin.describeTopics(List.of(a.topic())).allTopicNames(), "describing the topic");
            int partitions = d.get(a.topic()).partitions().size();
            if (partitions < a.partitions()) {
                mismatches.add(a.describe() + " has " + partitions + " partitions, the URI asks for " + a.partitions()
                        + "; add partitions with kafka-topics.sh --alter --partitions " + a.partitions()
                        + " (keys move to other partitions: per-key order breaks once) or change the URI");
            }
            if (a == address) topicSeen = true;
            if (unserved.contains(a.topic())) awaitLeaders(admin, a);
        } catch (SluiceException e) {
            if (e.code() != ErrorCode.NOT_FOUND) throw e;
            if (!create) {
                mismatches.add(a.describe() + " does not exist and provisioning is " + spec.provisioning()
                        + ", so Sluice creates nothing; create it with kafka-topics.sh --create --topic " + a.topic());
                return;
            }
            NewTopic topic = new NewTopic(a.topic(), Optional.of(a.partitions()),
                    a.replication() < 1 ? Optional.empty() : Optional.of(a.replication()));
            try {
                call(admin.createTopics(List.of(topic)).all(), "creating the topic");
                log.info("created {}", a.describe());
            } catch (SluiceException x) {
                if (!(x.getCause() instanceof TopicExistsException)) throw x;
            }
            unserved.add(a.topic());
            awaitLeaders(admin, a);
        }
    }

    /**
     * Waits until the leader of every partition of a topic just created serves it (ListOffsets goes to the leader and
     * is retried by the Admin client until it answers). An idempotent producer with several requests in flight to a
     * partition its leader has not set up yet can have its first request refused and the next one written, after
     * which the first is refused for ever as out of order and its records fail (KAFKA-15591, fixed in the broker
     * after 4.4): so nothing is sent to a topic Sluice creates before its partitions are served.
     */
    private void awaitLeaders(Admin admin, KafkaAddress a) {
        // Not a retry of a failed operation: a bounded wait for the state the topic's creation leads to (the Admin
        // client's createTopics completes when the controller has it, before the partition leader serves it).
        long deadline = System.nanoTime() + LEADER_WAIT.toNanos();
        while (true) {
            try {
                TopicDescription d = call(admin.describeTopics(List.of(a.topic())).allTopicNames(), "describing the new topic")
                        .get(a.topic());
                Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest = new java.util.HashMap<>();
                d.partitions().forEach(p -> latest.put(new org.apache.kafka.common.TopicPartition(a.topic(), p.partition()),
                        org.apache.kafka.clients.admin.OffsetSpec.latest()));
                call(admin.listOffsets(latest).all(), "waiting for the new topic's partition leaders");
                unserved.remove(a.topic());
                return;
            } catch (SluiceException e) {
                if (e.code() != ErrorCode.NOT_FOUND && e.code() != ErrorCode.UNAVAILABLE) throw e;
                if (System.nanoTime() - deadline > 0) {
                    // retryable: provisioning runs in the engine's one retry loop, which calls again
                    throw new SluiceException(ErrorCode.UNAVAILABLE, a.describe() + " was just created and its partitions"
                            + " are not served yet: " + e.getMessage(), e);
                }
            }
            try {
                TimeUnit.MILLISECONDS.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SluiceException(ErrorCode.UNAVAILABLE, "waiting for " + a.describe() + " interrupted", e);
            }
        }
    }

    /**
     * The share group's settings: start at the earliest record; the lock duration is the lease (what a process that
     * dies holds records for); the delivery count limit at least {@code maxDeliveryAttempts}, else the broker would
     * archive a record before Sluice dead-letters it.
     */
    private void shareGroup(QueueSpec spec, boolean create, List<String> mismatches) {
        ConfigResource group = new ConfigResource(ConfigResource.Type.GROUP, address.group());
        Config config = call(admin().describeConfigs(List.of(group)).all(), "describing the share group's config").get(group);
        List<AlterConfigOp> set = new ArrayList<>();
        String reset = value(config, AUTO_OFFSET_RESET, "latest");
        if (!"earliest".equals(reset)) {
            if (create) {
                set.add(new AlterConfigOp(new ConfigEntry(AUTO_OFFSET_RESET, "earliest"), AlterConfigOp.OpType.SET));
            } else {
                mismatches.add("share group '" + address.group() + "' has " + AUTO_OFFSET_RESET + "=" + reset + ": records"
                        + " published before its first consumer joined are never delivered; set it to earliest"
                        + " (kafka-configs.sh --alter --entity-type groups --entity-name " + address.group()
                        + " --add-config " + AUTO_OFFSET_RESET + "=earliest)");
            }
        }
        int limit = Integer.parseInt(value(config, DELIVERY_LIMIT, "5"));
        if (limit < spec.maxDeliveryAttempts()) {
            if (create) {
                set.add(new AlterConfigOp(new ConfigEntry(DELIVERY_LIMIT, String.valueOf(spec.maxDeliveryAttempts())),
                        AlterConfigOp.OpType.SET));
            } else {
                mismatches.add(deliveryLimitMismatch(spec, limit, null));
            }
        }
        long lease = spec.lease().toMillis();
        if (create && Long.parseLong(value(config, LOCK_DURATION, "30000")) != lease) {
            set.add(new AlterConfigOp(new ConfigEntry(LOCK_DURATION, String.valueOf(lease)), AlterConfigOp.OpType.SET));
        }
        if (set.isEmpty()) return;
        try {
            call(admin().incrementalAlterConfigs(Map.of(group, set)).all(), "setting the share group's config");
        } catch (SluiceException e) {
            if (e.code() != ErrorCode.INVALID) throw e;
            // one refused value fails the whole request: set them one by one, to say which
            for (AlterConfigOp op : set) {
                try {
                    call(admin().incrementalAlterConfigs(Map.of(group, List.of(op))).all(), "setting " + op.configEntry().name());
                } catch (SluiceException x) {
                    if (x.code() != ErrorCode.INVALID) throw x;
                    if (DELIVERY_LIMIT.equals(op.configEntry().name())) {
                        mismatches.add(deliveryLimitMismatch(spec, limit, x.getMessage()));
                    } else {
                        log.info("{}: the broker refused {}={} ({}); records of a process that dies come back after the"
                                + " group's lock duration instead", address.describe(), op.configEntry().name(),
                                op.configEntry().value(), x.getMessage());
                    }
                }
            }
        }
    }

    private String deliveryLimitMismatch(QueueSpec spec, int limit, String refused) {
        return "maxDeliveryAttempts is " + spec.maxDeliveryAttempts() + " but share group '" + address.group() + "' has "
                + DELIVERY_LIMIT + "=" + limit + (refused == null ? "" : " and the broker refused to raise it (" + refused
                + "; see group.share.max.delivery.count.limit)") + ": the broker would archive a record after " + limit
                + " deliveries, before Sluice dead-letters it with its reason; lower maxDeliveryAttempts to " + limit
                + " or raise the group's " + DELIVERY_LIMIT;
    }

    private static String value(Config config, String name, String otherwise) {
        ConfigEntry e = config == null ? null : config.get(name);
        return e == null || e.value() == null ? otherwise : e.value();
    }

    // ---- escape hatches, lifecycle ---------------------------------------------------------------------

    /** {@link Admin}, {@link Producer} / {@link KafkaProducer} (shared: do not close), and {@link String}: the topic. */
    @Override
    public <T> Optional<T> unwrap(Class<T> type) {
        if (type == Admin.class) return Optional.of(type.cast(admin()));
        if (type == KafkaProducer.class || type == Producer.class) return Optional.of(type.cast(shared().producer()));
        if (type == String.class) return Optional.of(type.cast(address.topic()));
        return Optional.empty();
    }

    @Override
    public void close() {
        Receiver r;
        synchronized (this) {
            if (closed) return;
            closed = true;
            r = receiver;
        }
        if (r != null) r.close();
        if (shared != null) clients.release(address.connection());
    }

    @Override
    public String toString() {
        return "KafkaDriver[" + address.describe() + "]";
    }

    private KafkaClients.Shared shared() {
        KafkaClients.Shared s = shared;
        if (s != null) return s;
        synchronized (this) {
            if (closed) throw new IllegalStateException("the driver for " + address.describe() + " is closed");
            if (shared == null) {
                try {
                    shared = clients.acquire(address.connection());
                } catch (org.apache.kafka.common.KafkaException e) {
                    Throwable cause = e.getCause() != null ? e.getCause() : e;
                    throw new ConfigurationException("cannot create the Kafka clients for " + address.describe() + ": "
                            + KafkaErrors.said(cause) + " (check the servers in the queue URI)", e);
                }
            }
            return shared;
        }
    }

    private Admin admin() {
        return shared().admin();
    }

    /** Waits for an Admin call; a failure becomes a {@link SluiceException} classified by the one table. */
    private <T> T call(org.apache.kafka.common.KafkaFuture<T> future, String action) {
        try {
            return future.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SluiceException(ErrorCode.UNAVAILABLE, action + " on " + address.describe() + " interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException u) {
                throw new SluiceException(ErrorCode.NOT_FOUND, KafkaErrors.describe(u, action, address), u);
            }
            throw KafkaErrors.exception(e, action, address);
        } catch (TimeoutException e) {
            throw new SluiceException(ErrorCode.UNAVAILABLE, action + " on " + address.describe() + " got no answer in "
                    + CALL_TIMEOUT.toSeconds() + " s", e);
        }
    }
}
