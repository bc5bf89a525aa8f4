package dev.sluice.bench.kafka;

import dev.sluice.PublishOptions;
import dev.sluice.QueueSpec;
import dev.sluice.bench.common.Work;
import dev.sluice.codec.CloudEventCodec;
import dev.sluice.core.Sluice;
import dev.sluice.kafka.KafkaBroker;
import dev.sluice.spi.OutboundMessage;
import dev.sluice.spi.QueueDriver;
import dev.sluice.spi.SendResult;
import dev.sluice.worker.Worker;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Kafka worker throughput on a broker this benchmark starts ({@link KafkaBroker}: KRaft, one node, a child JVM):
 * the Sluice {@code Worker} on {@code kafka://} in consumer-group and in share-group mode, against a hand-written
 * {@link KafkaConsumer} loop with the same commit discipline (20 handler threads; per partition, commit the lowest
 * offset still being handled). Each round, for each handler time and contender (the order rotates between rounds): a
 * fresh topic of 4 partitions seeded with {@code events} binary-mode CloudEvents, a fresh group; the rate is from the
 * first handled message to the last. An untimed warm-up of each contender first.
 *
 * <p>Arguments: {@code --events=N} (20000), {@code --rounds=N} (3), {@code --handlers=0,5} (ms),
 * {@code --out=FILE} (benchmarks/kafka/RESULTS.md).
 */
public final class KafkaBench {
    static final String TYPE = "order.placed";
    static final int CONCURRENCY = 20;
    static final int PARTITIONS = 4;

    private KafkaBench() {
    }

    interface Contender {
        String name();

        AutoCloseable start(KafkaBroker broker, String topic, Work work) throws Exception;
    }

    record Run(String contender, int handlerMillis, int round, double rate) {
    }

    public static void main(String[] args) throws Exception {
        int events = 20_000;
        int rounds = 3;
        int[] handlers = {0, 5};
        Path out = Path.of("benchmarks/kafka/RESULTS.md");
        for (String a : args) {
            if (a.startsWith("--events=")) events = Integer.parseInt(a.substring(9));
            else if (a.startsWith("--rounds=")) rounds = Integer.parseInt(a.substring(9));
            else if (a.startsWith("--handlers=")) handlers = java.util.Arrays.stream(a.substring(11).split(",")).mapToInt(Integer::parseInt).toArray();
            else if (a.startsWith("--out=")) out = Path.of(a.substring(6));
            else throw new IllegalArgumentException("unknown argument " + a);
        }
        List<Contender> contenders = List.of(new SluiceWorker("consumer"), new SluiceWorker("share"), new ConsumerLoop());
        List<Run> runs = new ArrayList<>();
        long t0 = System.nanoTime();
        try (KafkaBroker broker = KafkaBroker.start(); Sluice seeder = Sluice.create()) {
            System.err.println("[bench] broker up at " + broker.bootstrap() + " in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
            for (Contender c : contenders) once(c, broker, seeder, Math.min(2_000, events), 0, -1);
            for (int round = 1; round <= rounds; round++) {
                for (int h : handlers) {
                    for (int i = 0; i < contenders.size(); i++) {
                        Contender c = contenders.get((i + round - 1) % contenders.size());
                        runs.add(once(c, broker, seeder, events, h, round));
                    }
                }
            }
            String report = report(runs, contenders, handlers, events, rounds, (System.nanoTime() - t0) / 1e9, args);
            System.out.println(report);
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, report);
            System.err.println("[bench] wrote " + out);
        }
        System.exit(0);
    }

    private static Run once(Contender c, KafkaBroker broker, Sluice seeder, int n, int handlerMillis, int round) throws Exception {
        String topic = "bench-" + c.name().replaceAll("[^A-Za-z]", "").toLowerCase(Locale.ROOT) + "-" + handlerMillis + "ms-r"
                + (round < 0 ? "warm" : round) + "-" + System.nanoTime() % 100_000;
        try (Sluice creator = Sluice.create()) {
            // the driver's provisioning creates the topic and waits until its partition leaders serve it (KAFKA-15591)
            creator.open(QueueSpec.builder(broker.uri(topic, "mode=consumer&partitions=" + PARTITIONS)).build());
        }
        seed(seeder, broker, topic, n);
        Work work = new Work(n, handlerMillis);
        AutoCloseable running = c.start(broker, topic, work);
        boolean done = work.await(10, TimeUnit.MINUTES);
        running.close();
        Run r = new Run(c.name(), handlerMillis, round, done ? work.rate() : Double.NaN);
        System.err.printf(Locale.ROOT, "[bench] %-36s handler %d ms round %s: %,.0f msg/s%n", c.name(), handlerMillis,
                round < 0 ? "warm-up" : Integer.toString(round), r.rate());
        return r;
    }

    static CloudEvent order(int i) {
        String data = "{\"orderId\":\"o-" + i + "\",\"customer\":\"c-" + (i % 97) + "\",\"amount\":" + (10 + i % 90) + ".5,\"items\":"
                + (1 + i % 5) + "}";
        return CloudEventBuilder.v1().withId("evt-" + i).withSource(URI.create("/bench/shop")).withType(TYPE)
                .withTime(OffsetDateTime.of(2026, 11, 28, 8, 0, 0, 0, ZoneOffset.UTC)).withDataContentType("application/json")
                .withData(data.getBytes(StandardCharsets.UTF_8)).build();
    }

    /** Sends {@code n} benchmark events through the Kafka driver (binary-mode CloudEvents), 100 per call. */
    private static void seed(Sluice seeder, KafkaBroker broker, String topic, int n) {
        QueueDriver driver = seeder.driver(URI.create(broker.uri(topic, "mode=consumer")));
        CloudEventCodec codec = new CloudEventCodec(driver.capabilities());
        for (int from = 0; from < n; from += 100) {
            List<OutboundMessage> batch = new ArrayList<>(100);
            for (int i = from; i < Math.min(n, from + 100); i++) batch.add(codec.encode(order(i), PublishOptions.NONE));
            for (SendResult r : driver.send(batch)) {
                if (!r.succeeded()) throw new IllegalStateException("seeding failed: " + r);
            }
        }
    }

    // ---- contenders -----------------------------------------------------------------------------------

    /** The Sluice worker: {@code concurrency} 20, lease 60 s, in one mode; provisioning only sets the group up. */
    record SluiceWorker(String mode) implements Contender {
        @Override
        public String name() {
            return "Sluice Worker, " + mode + " group";
        }

        @Override
        public AutoCloseable start(KafkaBroker broker, String topic, Work work) {
            Sluice sluice = Sluice.create();
            QueueSpec spec = QueueSpec.builder(broker.uri(topic, "mode=" + mode + "&partitions=" + PARTITIONS))
                    .concurrency(CONCURRENCY).lease(Duration.ofSeconds(60)).build();
            Worker worker = sluice.worker(spec).on(TYPE, (event, delivery) -> work.handle()).withoutLogging().start();
            return () -> {
                worker.close();
                sluice.close();
            };
        }
    }

    /**
     * What a careful engineer writes on {@code KafkaConsumer} with the same commit discipline as the driver: one poll
     * thread, 20 handler threads (a slot taken per record before it is dispatched), and after each poll a commit, per
     * partition, of the lowest offset still being handled (or the next to fetch). It checks the {@code ce_type} header
     * and the value, as a hand-written handler would.
     */
    static final class ConsumerLoop implements Contender {
        @Override
        public String name() {
            return "KafkaConsumer loop, same commits";
        }

        @Override
        public AutoCloseable start(KafkaBroker broker, String topic, Work work) {
            Map<String, Object> c = new HashMap<>();
            c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
            c.put(ConsumerConfig.GROUP_ID_CONFIG, "loop-" + topic);
            c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 200);
            ExecutorService handlers = Executors.newFixedThreadPool(CONCURRENCY, r -> {
                Thread t = new Thread(r, "loop-handler");
                t.setDaemon(true);
                return t;
            });
            Semaphore slots = new Semaphore(CONCURRENCY);
            Map<TopicPartition, ConcurrentSkipListSet<Long>> inFlight = new ConcurrentHashMap<>();
            Map<TopicPartition, Long> next = new HashMap<>();
            Map<TopicPartition, Long> committed = new HashMap<>();
            KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
            Thread loop = new Thread(() -> {
                try (consumer) {
                    consumer.subscribe(List.of(topic));
                    while (running.get()) {
                        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                            slots.acquire();
                            TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                            ConcurrentSkipListSet<Long> held = inFlight.computeIfAbsent(tp, k -> new ConcurrentSkipListSet<>());
                            held.add(r.offset());
                            next.put(tp, r.offset() + 1);
                            handlers.execute(() -> {
                                try {
                                    Header type = r.headers().lastHeader("ce_type");
                                    if (type == null || !TYPE.equals(new String(type.value(), StandardCharsets.UTF_8))
                                            || r.value() == null || r.value().length == 0) {
                                        throw new IllegalStateException("not a benchmark event: " + r.offset());
                                    }
                                    work.handle();
                                } finally {
                                    held.remove(r.offset());
                                    slots.release();
                                }
                            });
                        }
                        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                        for (var e : next.entrySet()) {
                            ConcurrentSkipListSet<Long> held = inFlight.get(e.getKey());
                            Long lowest = held == null ? null : held.ceiling(Long.MIN_VALUE);
                            long offset = lowest == null ? e.getValue() : lowest;
                            if (!Long.valueOf(offset).equals(committed.get(e.getKey()))) {
                                offsets.put(e.getKey(), new OffsetAndMetadata(offset));
                                committed.put(e.getKey(), offset);
                            }
                        }
                        if (!offsets.isEmpty()) consumer.commitAsync(offsets, null);
                    }
                } catch (InterruptedException | org.apache.kafka.common.errors.WakeupException e) {
                    // stopping
                }
            }, "loop-poller");
            loop.setDaemon(true);
            loop.start();
            return () -> {
                running.set(false);
                consumer.wakeup();
                loop.join(10_000);
                handlers.shutdown();
                handlers.awaitTermination(10, TimeUnit.SECONDS);
            };
        }
    }

    // ---- the stopwatch and the report ------------------------------------------------------------------

    private static String report(List<Run> runs, List<Contender> contenders, int[] handlers, int events, int rounds,
                                 double seconds, String[] args) {
        StringBuilder s = new StringBuilder();
        s.append("# Kafka worker throughput\n\n");
        s.append(String.format(Locale.ROOT, "Kafka %s (KRaft, one node in a child JVM with a 512 MB heap, on the same machine),"
                        + " %d cores, Java %s; topics of %d partitions, %,d events per run, %d rounds, %d handlers; %.0f s in all."
                        + " Command: `bash benchmarks/kafka/run.sh%s`.%n%n",
                kafkaVersion(), Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), PARTITIONS, events, rounds, CONCURRENCY, seconds,
                args.length == 0 ? "" : " " + String.join(" ", args)));
        String loop = contenders.get(contenders.size() - 1).name();
        s.append("| handler | contender | msg/s, median (range) | / KafkaConsumer loop |\n");
        s.append("|---|---|---|---|\n");
        for (int h : handlers) {
            Map<String, List<Run>> by = new LinkedHashMap<>();
            for (Contender c : contenders) by.put(c.name(), new ArrayList<>());
            for (Run r : runs) if (r.handlerMillis() == h && r.round() > 0) by.get(r.contender()).add(r);
            double base = median(by.get(loop).stream().map(Run::rate).toList());
            for (var e : by.entrySet()) {
                List<Double> rates = e.getValue().stream().map(Run::rate).toList();
                double m = median(rates);
                s.append(String.format(Locale.ROOT, "| %d ms | %s | %,.0f (%,.0f–%,.0f) | %s |%n", h, e.getKey(), m,
                        rates.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN),
                        rates.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN),
                        e.getKey().equals(loop) ? "" : String.format(Locale.ROOT, "%.2f×", m / base)));
            }
        }
        s.append("\nRuns on a 2-core machine differ by about 30 % from one run to the next: compare within one report.\n");
        return s.toString();
    }

    /** The client's version, from the properties file kafka-clients ships. */
    private static String kafkaVersion() {
        try (var in = KafkaConsumer.class.getResourceAsStream("/kafka/kafka-version.properties")) {
            java.util.Properties p = new java.util.Properties();
            if (in != null) p.load(in);
            return p.getProperty("version", "?");
        } catch (java.io.IOException e) {
            return "?";
        }
    }

    private static double median(List<Double> values) {
        if (values.isEmpty()) return Double.NaN;
        List<Double> v = new ArrayList<>(values);
        v.sort(null);
        int n = v.size();
        return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
    }
}
