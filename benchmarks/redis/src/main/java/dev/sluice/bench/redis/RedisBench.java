package dev.sluice.bench.redis;

import static dev.sluice.bench.common.Orders.TYPE;

import dev.sluice.QueueSpec;
import dev.sluice.bench.common.Orders;
import dev.sluice.bench.common.Throughput;
import dev.sluice.bench.common.Throughput.Options;
import dev.sluice.bench.common.Throughput.Run;
import dev.sluice.bench.common.Work;
import dev.sluice.core.Sluice;
import dev.sluice.spi.QueueDriver;
import dev.sluice.worker.Worker;
import io.cloudevents.CloudEvent;
import io.lettuce.core.Consumer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Redis Streams worker throughput on the Redis at 127.0.0.1:6379: the Sluice {@code Worker} on {@code redis://}
 * against a hand-written Lettuce consumer with the same prefetch (20 handlers; it reads as many entries as it has
 * free slots, up to 20, and acks each read batch with one pipelined XACK + XDEL when its last message is done).
 * Each round, for each handler time and each contender (the order rotates between rounds): a fresh stream seeded
 * with {@code events} binary-mode CloudEvents before the contender starts; the rate is from the first handled
 * message to the last. Untimed warm-up of each contender first. Prints and writes a Markdown report.
 *
 * <p>Arguments: {@code --events=N} (20000), {@code --rounds=N} (5), {@code --handlers=0,5} (ms),
 * {@code --out=FILE} (benchmarks/redis/RESULTS.md).
 */
public final class RedisBench {
    static final int CONCURRENCY = 20;
    static final String HOST = "127.0.0.1";
    static final int PORT = 6379;
    private static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

    private RedisBench() {
    }

    interface Contender {
        String name();

        AutoCloseable start(String queue, Work work) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args, Path.of("benchmarks/redis/RESULTS.md"));
        int events = options.events();
        int rounds = options.rounds();
        int[] handlers = options.handlers();
        Path out = options.out();
        List<Contender> contenders = List.of(new SluiceWorker(), new LettuceLoop());
        List<Run> runs = new ArrayList<>();
        long t0 = System.nanoTime();
        RedisClient admin = RedisClient.create("redis://" + HOST + ":" + PORT);
        try (StatefulRedisConnection<String, byte[]> redis = admin.connect(CODEC); Sluice seeder = Sluice.create()) {
            for (Contender c : contenders) once(c, redis, seeder, Math.min(2_000, events), 0, -1);
            for (int round = 1; round <= rounds; round++) {
                for (int h : handlers) {
                    for (int i = 0; i < contenders.size(); i++) {
                        Contender c = contenders.get((i + round - 1) % contenders.size());
                        runs.add(once(c, redis, seeder, events, h, round));
                    }
                }
            }
            String version = new String(redis.sync().info("server").getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)
                    .lines().filter(l -> l.startsWith("redis_version:")).findFirst().orElse("redis_version:?").substring(14);
            String report = report(runs, contenders, handlers, events, rounds, version, (System.nanoTime() - t0) / 1e9, args);
            System.out.println(report);
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, report);
            System.err.println("[bench] wrote " + out);
        } finally {
            admin.shutdown();
        }
        System.exit(0);
    }

    private static Run once(Contender c, StatefulRedisConnection<String, byte[]> redis, Sluice seeder, int n, int handlerMillis,
                            int round) throws Exception {
        String queue = "bench-" + c.name().replaceAll("[^A-Za-z]", "").toLowerCase(Locale.ROOT) + "-" + handlerMillis + "ms-r"
                + (round < 0 ? "warm" : round) + "-" + System.nanoTime() % 100_000;
        redis.sync().xgroupCreate(XReadArgs.StreamOffset.from(queue, "0"), "sluice", XGroupCreateArgs.Builder.mkstream());
        seed(seeder, queue, n);
        double cpu0 = redisCpu(redis);
        Work work = new Work(n, handlerMillis);
        AutoCloseable running = c.start(queue, work);
        boolean done = work.await(10, TimeUnit.MINUTES);
        double cpu = (redisCpu(redis) - cpu0) * 1e6 / n;
        running.close();
        redis.sync().unlink(queue, queue + ":sluice:delayed", queue + ":sluice:leases");
        Run r = new Run(c.name(), handlerMillis, round, done ? work.rate() : Double.NaN, cpu);
        System.err.printf(Locale.ROOT, "[bench] %-32s handler %d ms round %s: %,.0f msg/s, Redis CPU %.0f µs/message%n",
                c.name(), handlerMillis, round < 0 ? "warm-up" : Integer.toString(round), r.rate(), cpu);
        return r;
    }

    /** Seconds of CPU the Redis server has used (INFO cpu). */
    private static double redisCpu(StatefulRedisConnection<String, byte[]> redis) {
        double s = 0;
        for (String l : redis.sync().info("cpu").lines().toList()) {
            if (l.startsWith("used_cpu_sys:") || l.startsWith("used_cpu_user:")) s += Double.parseDouble(l.substring(l.indexOf(':') + 1).trim());
        }
        return s;
    }

    /** Sends {@code n} benchmark events through the Redis driver (binary-mode CloudEvents), 100 per call. */
    private static void seed(Sluice seeder, String queue, int n) {
        QueueDriver driver = seeder.driver(URI.create("redis://" + HOST + ":" + PORT + "/" + queue));
        Orders.send(driver, n);
    }

    // ---- contenders -----------------------------------------------------------------------------------

    /** The Sluice worker: {@code concurrency} 20, the driver's receive, ack and lease handling. */
    static final class SluiceWorker implements Contender {
        @Override
        public String name() {
            return "Sluice Worker";
        }

        @Override
        public AutoCloseable start(String queue, Work work) {
            Sluice sluice = Sluice.create();
            QueueSpec spec = QueueSpec.builder("redis://" + HOST + ":" + PORT + "/" + queue).concurrency(CONCURRENCY)
                    .lease(Duration.ofSeconds(60)).provisioning(QueueSpec.Provisioning.NONE).build();
            Worker worker = sluice.worker(spec).on(TYPE, (event, delivery) -> work.handle()).withoutLogging().start();
            return () -> {
                worker.close();
                sluice.close();
            };
        }
    }

    /**
     * What a careful engineer writes on Lettuce: one reader blocking on XREADGROUP for as many entries as there are
     * free handler slots (up to 20), a pool of 20 handler threads, and one pipelined XACK + XDEL per read batch when
     * its last message is done. It checks the CloudEvent type field and the body, as a hand-written handler would.
     */
    static final class LettuceLoop implements Contender {
        @Override
        public String name() {
            return "Lettuce loop, well written";
        }

        @Override
        public AutoCloseable start(String queue, Work work) {
            RedisClient client = RedisClient.create("redis://" + HOST + ":" + PORT);
            StatefulRedisConnection<String, byte[]> reader = client.connect(CODEC);
            StatefulRedisConnection<String, byte[]> acker = client.connect(CODEC);
            ExecutorService handlers = Executors.newFixedThreadPool(CONCURRENCY, r -> {
                Thread t = new Thread(r, "loop-handler");
                t.setDaemon(true);
                return t;
            });
            Semaphore slots = new Semaphore(CONCURRENCY);
            Consumer<String> me = Consumer.from("sluice", "bench-loop");
            Thread loop = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    int n;
                    try {
                        slots.acquire();
                    } catch (InterruptedException e) {
                        return;
                    }
                    n = 1;
                    while (n < CONCURRENCY && slots.tryAcquire()) n++;
                    List<StreamMessage<String, byte[]>> got;
                    try {
                        got = reader.sync().xreadgroup(me, XReadArgs.Builder.count(n).block(1000),
                                XReadArgs.StreamOffset.lastConsumed(queue));
                    } catch (RuntimeException e) {
                        slots.release(n);
                        if (Thread.currentThread().isInterrupted()) return;
                        continue;
                    }
                    slots.release(n - got.size());
                    if (got.isEmpty()) continue;
                    AtomicInteger left = new AtomicInteger(got.size());
                    for (StreamMessage<String, byte[]> m : got) {
                        handlers.execute(() -> {
                            try {
                                Map<String, byte[]> body = m.getBody();
                                byte[] type = body.get("ce-type");
                                byte[] data = body.get("sluice:body");
                                if (type == null || !TYPE.equals(new String(type, StandardCharsets.UTF_8)) || data == null
                                        || data.length == 0) {
                                    throw new IllegalStateException("not a benchmark event: " + m.getId());
                                }
                                work.handle();
                            } finally {
                                slots.release();
                                if (left.decrementAndGet() == 0) {
                                    String[] ids = got.stream().map(StreamMessage::getId).toArray(String[]::new);
                                    acker.async().xack(queue, "sluice", ids);
                                    acker.async().xdel(queue, ids);
                                }
                            }
                        });
                    }
                }
            }, "loop-reader");
            loop.setDaemon(true);
            loop.start();
            return () -> {
                loop.interrupt();
                loop.join(5000);
                handlers.shutdown();
                handlers.awaitTermination(10, TimeUnit.SECONDS);
                reader.close();
                acker.close();
                client.shutdown();
            };
        }
    }

    // ---- the report ------------------------------------------------------------------------------------

    private static String report(List<Run> runs, List<Contender> contenders, int[] handlers, int events, int rounds,
                                 String redisVersion, double seconds, String[] args) {
        StringBuilder s = new StringBuilder();
        s.append("# Redis Streams worker throughput\n\n");
        s.append(String.format(Locale.ROOT, "Redis %s at 127.0.0.1:6379 (no persistence), %d cores, Java %s; %,d events per run,"
                        + " %d rounds, %d handlers; %.0f s in all. Command: `bash benchmarks/redis/run.sh%s`.%n%n",
                redisVersion, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), events, rounds,
                CONCURRENCY, seconds, args.length == 0 ? "" : " " + String.join(" ", args)));
        s.append(Throughput.table(runs, contenders.stream().map(Contender::name).toList(), handlers, "Redis", "Lettuce", true));
        s.append("\nRuns on a 2-core machine differ by about 30 % from one run to the next: compare within one report.\n");
        return s.toString();
    }
}
