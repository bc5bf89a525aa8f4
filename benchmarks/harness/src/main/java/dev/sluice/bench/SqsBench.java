package dev.sluice.bench;

import dev.sluice.PublishOptions;
import dev.sluice.core.Sluice;
import dev.sluice.codec.CloudEventCodec;
import dev.sluice.spi.OutboundMessage;
import dev.sluice.spi.QueueDriver;
import dev.sluice.spi.SendResult;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Part 1: SQS worker throughput on ElasticMQ in its own JVM. For each round, each handler and each contender
 * (in an order that rotates between rounds): a fresh queue, {@code events} messages sent before the
 * contender starts, then the contender consumes them; the rate is taken from its first handled message to
 * its last.
 */
final class SqsBench {
    static final int CONCURRENCY = 20;
    static final int[] HANDLER_MILLIS = {0, 5};

    /** One measured run. */
    record Run(String contender, int handlerMillis, int round, double rate, int handled, int leftover, double seconds,
               Map<String, Long> calls, long received, long emptyReceives, double clientCpuMicros, double brokerCpuMicros) {
    }

    private final Path elasticMqClassPath;
    private final Path workDir;
    private final int events;
    private final int rounds;
    final List<Run> runs = new ArrayList<>();
    String failure;

    SqsBench(Path elasticMqClassPath, Path workDir, int events, int rounds) {
        this.elasticMqClassPath = elasticMqClassPath;
        this.workDir = workDir;
        this.events = events;
        this.rounds = rounds;
    }

    int events() {
        return events;
    }

    int rounds() {
        return rounds;
    }

    void run() throws Exception {
        try (ChildProcess mq = ElasticMq.start(elasticMqClassPath, workDir)) {
            URI endpoint = URI.create("http://127.0.0.1:" + mq.port);
            List<SqsContenders.Contender> contenders = SqsContenders.all();
            try (SqsAsyncClient admin = SqsContenders.client(endpoint, 50); Sluice seeder = Sluice.create()) {
                // warm-up: a short untimed run of every contender, so that no one pays the JIT alone
                for (SqsContenders.Contender c : contenders) {
                    once(c, mq, endpoint, admin, seeder, Math.min(2_000, events), 0, -1);
                }
                for (int round = 1; round <= rounds; round++) {
                    for (int h : handlers()) {
                        for (int i = 0; i < contenders.size(); i++) {
                            SqsContenders.Contender c = contenders.get((i + round - 1) % contenders.size());
                            runs.add(once(c, mq, endpoint, admin, seeder, events, h, round));
                        }
                    }
                }
            }
        }
    }

    private Run once(SqsContenders.Contender c, ChildProcess mq, URI endpoint, SqsAsyncClient admin, Sluice seeder, int n, int handlerMillis,
                     int round) throws Exception {
        String name = "bench-" + c.name().replaceAll("[^A-Za-z]", "").toLowerCase() + "-" + handlerMillis + "ms-r"
                + (round < 0 ? "warm" : round);
        String url = admin.createQueue(b -> b.queueName(name).attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "60")))
                .get().queueUrl();
        long s0 = System.nanoTime();
        seed(seeder, endpoint, name, n);
        Log.info("sqs seeded %,d messages into %s in %.1f s", n, name, (System.nanoTime() - s0) / 1e9);
        long[] cpuAtFirst = new long[2];
        Work work = new Work(n, handlerMillis).onFirst(() -> {
            cpuAtFirst[0] = Cpu.self();
            cpuAtFirst[1] = Cpu.of(mq.process);
        });
        SqsCalls calls = new SqsCalls();
        SqsCalls.current = calls;
        long t0 = System.nanoTime();
        AutoCloseable running = c.start(new SqsContenders.Target(endpoint, name, url, CONCURRENCY), work);
        boolean done = work.await(10, TimeUnit.MINUTES);
        // from the first handled message to the last: start-up (a Spring context, a Sluice open) is left out
        double clientCpu = (Cpu.self() - cpuAtFirst[0]) / 1e3 / (n - 1);
        double brokerCpu = (Cpu.of(mq.process) - cpuAtFirst[1]) / 1e3 / (n - 1);
        double rate = work.rate();
        double seconds = work.secondsSince(t0);
        long c0 = System.nanoTime();
        running.close();
        SqsCalls.current = new SqsCalls();
        Log.info("sqs %s closed in %.1f s", c.name(), (System.nanoTime() - c0) / 1e9);
        int leftover = leftover(admin, url);
        Run r = new Run(c.name(), handlerMillis, round, done ? rate : Double.NaN, work.handled(), leftover, seconds,
                calls.snapshot(), calls.received.sum(), calls.emptyReceives.sum(), clientCpu, brokerCpu);
        Log.info("sqs %s calls: %s, %d messages received, %d empty receives; CPU per message: %.0f µs contender, %.0f µs ElasticMQ",
                c.name(), calls.snapshot(), calls.received.sum(), calls.emptyReceives.sum(), clientCpu, brokerCpu);
        Log.info("sqs %-32s handler %d ms round %s: %,.0f msg/s (%d handled, %d left on the queue after close, %.1f s from start)",
                c.name(), handlerMillis, round < 0 ? "warm-up" : Integer.toString(round), rate, work.handled(), leftover, seconds);
        admin.deleteQueue(b -> b.queueUrl(url)).get();
        return r;
    }

    /** Sends {@code n} benchmark events through the SQS driver (binary-mode CloudEvents), 10 per call, 8 calls at once. */
    private static void seed(Sluice seeder, URI endpoint, String queue, int n) throws Exception {
        QueueDriver driver = seeder.driver(URI.create("sqs://" + queue + "?region=us-east-1&endpoint=" + endpoint));
        CloudEventCodec codec = new CloudEventCodec(driver.capabilities());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> sent = new ArrayList<>();
            for (int from = 0; from < n; from += 10) {
                int start = from;
                sent.add(pool.submit(() -> {
                    List<OutboundMessage> batch = new ArrayList<>(10);
                    for (int i = start; i < Math.min(n, start + 10); i++) {
                        batch.add(codec.encode(BenchEvents.order(i), PublishOptions.NONE));
                    }
                    for (SendResult r : driver.send(batch)) {
                        if (!r.succeeded()) throw new IllegalStateException("seeding failed: " + r);
                    }
                    return null;
                }));
            }
            for (Future<?> f : sent) f.get();
        } finally {
            pool.shutdown();
        }
    }

    private static int leftover(SqsAsyncClient admin, String url) throws Exception {
        int left = -1;
        for (int i = 0; i < 20; i++) {
            Map<QueueAttributeName, String> a = admin.getQueueAttributes(b -> b.queueUrl(url).attributeNames(
                    QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                    .get().attributes();
            left = Integer.parseInt(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                    + Integer.parseInt(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
            if (left == 0) return 0;
            Thread.sleep(100);
        }
        return left;
    }

    static int[] handlers() {
        String only = System.getProperty("bench.sqs.handlers");
        return only == null ? HANDLER_MILLIS : java.util.Arrays.stream(only.split(",")).mapToInt(Integer::parseInt).toArray();
    }

    /** Rates by handler, then by contender, in the contenders' order. */
    Map<Integer, Map<String, List<Double>>> rates() {
        Map<Integer, Map<String, List<Double>>> m = new LinkedHashMap<>();
        for (int h : HANDLER_MILLIS) {
            Map<String, List<Double>> byContender = new LinkedHashMap<>();
            for (SqsContenders.Contender c : SqsContenders.all()) byContender.put(c.name(), new ArrayList<>());
            m.put(h, byContender);
        }
        for (Run r : runs) m.computeIfAbsent(r.handlerMillis(), k -> new LinkedHashMap<>())
                .computeIfAbsent(r.contender(), k -> new ArrayList<>()).add(r.rate());
        return m;
    }
}
