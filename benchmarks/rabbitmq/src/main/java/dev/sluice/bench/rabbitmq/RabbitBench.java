package dev.sluice.bench.rabbitmq;

import static dev.sluice.bench.common.Orders.TYPE;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
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
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * RabbitMQ worker throughput on the broker at 127.0.0.1:5672 (guest/guest), in a virtual host of its own that is
 * deleted at the end: the Sluice {@code Worker} on {@code amqp://} against a hand-written amqp-client consumer with
 * the same prefetch (20 handlers; {@code basicQos(20)}, manual acks, one ack per message when its handler is done).
 * Each round, for each handler time and each contender (the order rotates between rounds): a fresh quorum queue,
 * declared by the driver as the worker would, seeded with {@code events} binary-mode CloudEvents before the
 * contender starts; the rate is from the first handled message to the last. Untimed warm-up of each contender
 * first. Prints and writes a Markdown report. The structure follows {@code benchmarks/redis}'s {@code RedisBench};
 * {@link Work}, the event, the arguments and the report table are shared with it ({@code benchmarks/common}).
 *
 * <p>Arguments: {@code --events=N} (20000), {@code --rounds=N} (5), {@code --handlers=0,5} (ms),
 * {@code --out=FILE} (benchmarks/rabbitmq/RESULTS.md).
 */
public final class RabbitBench {
    static final int CONCURRENCY = 20;
    static final String HOST = "127.0.0.1";
    static final int PORT = 5672;

    private RabbitBench() {
    }

    interface Contender {
        String name();

        AutoCloseable start(String vhost, String queue, Work work) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args, Path.of("benchmarks/rabbitmq/RESULTS.md"));
        int events = options.events();
        int rounds = options.rounds();
        int[] handlers = options.handlers();
        Path out = options.out();
        List<Contender> contenders = List.of(new SluiceWorker(), new AmqpClientLoop());
        List<Run> runs = new ArrayList<>();
        long t0 = System.nanoTime();
        String vhost = "sluice-bench-" + UUID.randomUUID().toString().substring(0, 8);
        rabbitmqctl("add_vhost", vhost);
        rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*");
        Optional<ProcessHandle> broker = ProcessHandle.allProcesses()
                .filter(p -> p.info().command().orElse("").endsWith("beam.smp")
                        && String.join(" ", p.info().arguments().orElse(new String[0])).contains("rabbit"))
                .findFirst();
        try (Connection admin = connect(vhost, "bench admin"); Sluice seeder = Sluice.create()) {
            for (Contender c : contenders) once(c, vhost, admin, seeder, broker, Math.min(2_000, events), 0, -1);
            for (int round = 1; round <= rounds; round++) {
                for (int h : handlers) {
                    for (int i = 0; i < contenders.size(); i++) {
                        Contender c = contenders.get((i + round - 1) % contenders.size());
                        runs.add(once(c, vhost, admin, seeder, broker, events, h, round));
                    }
                }
            }
            String version = String.valueOf(admin.getServerProperties().get("version"));
            String report = report(runs, contenders, handlers, events, rounds, version, broker.isPresent(),
                    (System.nanoTime() - t0) / 1e9, args);
            System.out.println(report);
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, report);
            System.err.println("[bench] wrote " + out);
        } finally {
            rabbitmqctl("delete_vhost", vhost);
        }
        System.exit(0);
    }

    private static Run once(Contender c, String vhost, Connection admin, Sluice seeder, Optional<ProcessHandle> broker, int n,
                            int handlerMillis, int round) throws Exception {
        String queue = "bench-" + c.name().replaceAll("[^A-Za-z]", "").toLowerCase(Locale.ROOT) + "-" + handlerMillis + "ms-r"
                + (round < 0 ? "warm" : round);
        seed(seeder, uri(vhost, queue), n);
        double cpu0 = cpuSeconds(broker);
        Work work = new Work(n, handlerMillis);
        AutoCloseable running = c.start(vhost, queue, work);
        boolean done = work.await(10, TimeUnit.MINUTES);
        double cpu = (cpuSeconds(broker) - cpu0) * 1e6 / n;
        running.close();
        try (Channel ch = admin.createChannel()) {
            ch.queueDelete(queue);
            ch.queueDelete(queue + "-dlq");
        }
        Run r = new Run(c.name(), handlerMillis, round, done ? work.rate() : Double.NaN, cpu);
        System.err.printf(Locale.ROOT, "[bench] %-32s handler %d ms round %s: %,.0f msg/s, RabbitMQ CPU %.0f µs/message%n",
                c.name(), handlerMillis, round < 0 ? "warm-up" : Integer.toString(round), r.rate(), cpu);
        return r;
    }

    static String uri(String vhost, String queue) {
        return "amqp://guest:guest@" + HOST + ":" + PORT + "/" + vhost + "/" + queue;
    }

    static Connection connect(String vhost, String name) throws Exception {
        ConnectionFactory f = new ConnectionFactory();
        f.setHost(HOST);
        f.setPort(PORT);
        f.setVirtualHost(vhost);
        f.setUsername("guest");
        f.setPassword("guest");
        return f.newConnection(name);
    }

    /** CPU seconds the broker's Erlang VM has used, or NaN when it is not a process this user can see. */
    private static double cpuSeconds(Optional<ProcessHandle> broker) {
        return broker.flatMap(p -> p.info().totalCpuDuration()).map(d -> d.toNanos() / 1e9).orElse(Double.NaN);
    }

    /**
     * Declares the queue as the worker would (a quorum queue with its delivery limit and dead-letter route) and sends
     * {@code n} benchmark events through the driver (binary-mode CloudEvents, publisher confirms), 100 per call.
     */
    private static void seed(Sluice seeder, String uri, int n) {
        QueueDriver driver = seeder.driver(URI.create(uri));
        List<String> problems = driver.provision(QueueSpec.builder(uri).build(), driver.defaultDeadLetterUri());
        if (!problems.isEmpty()) throw new IllegalStateException("provisioning " + uri + ": " + problems);
        Orders.send(driver, n);
    }

    static void rabbitmqctl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("rabbitmqctl"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
        }
    }

    // ---- contenders -----------------------------------------------------------------------------------

    /** The Sluice worker: {@code concurrency} 20 (so a prefetch of 20), the driver's receive, acks and leases. */
    static final class SluiceWorker implements Contender {
        @Override
        public String name() {
            return "Sluice Worker";
        }

        @Override
        public AutoCloseable start(String vhost, String queue, Work work) {
            Sluice sluice = Sluice.create();
            QueueSpec spec = QueueSpec.builder(uri(vhost, queue)).concurrency(CONCURRENCY)
                    .lease(Duration.ofSeconds(60)).provisioning(QueueSpec.Provisioning.NONE).build();
            Worker worker = sluice.worker(spec).on(TYPE, (event, delivery) -> work.handle()).withoutLogging().start();
            return () -> {
                worker.close();
                sluice.close();
            };
        }
    }

    /**
     * What a careful engineer writes on amqp-client: one push consumer with {@code basicQos(20)} and manual acks,
     * its deliveries handed to a pool of 20 handler threads, each message acked on its own when its handler is done.
     * It checks the CloudEvent type header and the body, as a hand-written handler would.
     */
    static final class AmqpClientLoop implements Contender {
        @Override
        public String name() {
            return "amqp-client consumer, well written";
        }

        @Override
        public AutoCloseable start(String vhost, String queue, Work work) throws Exception {
            Connection connection = connect(vhost, "bench amqp-client consumer");
            Channel channel = connection.createChannel();
            channel.basicQos(CONCURRENCY);
            ExecutorService handlers = Executors.newFixedThreadPool(CONCURRENCY, r -> {
                Thread t = new Thread(r, "loop-handler");
                t.setDaemon(true);
                return t;
            });
            channel.basicConsume(queue, false, new DefaultConsumer(channel) {
                @Override
                public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
                    handlers.execute(() -> {
                        Object type = properties.getHeaders() == null ? null : properties.getHeaders().get("cloudEvents_type");
                        if (type == null || !TYPE.equals(type.toString()) || body.length == 0) {
                            throw new IllegalStateException("not a benchmark event: " + envelope.getDeliveryTag());
                        }
                        work.handle();
                        try {
                            channel.basicAck(envelope.getDeliveryTag(), false);
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        }
                    });
                }
            });
            return () -> {
                handlers.shutdown();
                handlers.awaitTermination(10, TimeUnit.SECONDS);
                connection.close();
            };
        }
    }

    // ---- the report ------------------------------------------------------------------------------------

    private static String report(List<Run> runs, List<Contender> contenders, int[] handlers, int events, int rounds,
                                 String version, boolean brokerCpu, double seconds, String[] args) {
        StringBuilder s = new StringBuilder();
        s.append("# RabbitMQ worker throughput\n\n");
        s.append(String.format(Locale.ROOT, "RabbitMQ %s at 127.0.0.1:5672, quorum queues (one node), %d cores, Java %s;"
                        + " %,d events per run, %d rounds, %d handlers (prefetch %d); %.0f s in all. Command:"
                        + " `bash benchmarks/rabbitmq/run.sh%s`.%n%n",
                version, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), events, rounds,
                CONCURRENCY, CONCURRENCY, seconds, args.length == 0 ? "" : " " + String.join(" ", args)));
        s.append(Throughput.table(runs, contenders.stream().map(Contender::name).toList(), handlers, "RabbitMQ", "amqp-client", brokerCpu));
        s.append("\nRabbitMQ CPU is the broker's Erlang VM over the consuming part of a run (seeding excluded), divided by"
                + " the events. Runs on a 2-core machine differ by about 30 % from one run to the next: compare within one"
                + " report.\n");
        return s.toString();
    }
}
