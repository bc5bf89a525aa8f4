package dev.sluice.bench;

import com.google.api.gax.core.InstantiatingExecutorProvider;
import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.batching.FlowControlSettings;
import com.google.api.gax.grpc.GrpcTransportChannel;
import com.google.api.gax.rpc.FixedTransportChannelProvider;
import com.google.api.gax.rpc.TransportChannelProvider;
import com.google.cloud.pubsub.v1.Subscriber;
import com.google.cloud.pubsub.v1.SubscriptionAdminClient;
import com.google.cloud.pubsub.v1.SubscriptionAdminSettings;
import com.google.cloud.pubsub.v1.TopicAdminClient;
import com.google.cloud.pubsub.v1.TopicAdminSettings;
import com.google.pubsub.v1.ProjectSubscriptionName;
import com.google.pubsub.v1.Subscription;
import com.google.pubsub.v1.SubscriptionName;
import com.google.pubsub.v1.TopicName;
import dev.sluice.PublishOptions;
import dev.sluice.QueueSpec;
import dev.sluice.core.Sluice;
import dev.sluice.codec.CloudEventCodec;
import dev.sluice.spi.OutboundMessage;
import dev.sluice.spi.QueueDriver;
import dev.sluice.spi.SendResult;
import dev.sluice.worker.Worker;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Part 2: Pub/Sub worker throughput on the testkit's Pub/Sub server (its own JVM): the Sluice worker against
 * the Google {@link Subscriber} with the same flow control (at most {@link #CONCURRENCY} messages outstanding,
 * {@link #CONCURRENCY} handler threads). Messages are published before the consumer starts.
 */
final class PubSubBench {
    static final int CONCURRENCY = 20;
    static final String SLUICE = "Sluice Worker";
    static final String GOOGLE = "Google Subscriber, same flow control (20 outstanding)";
    static final String GOOGLE_DEFAULT = "Google Subscriber, default flow control (1,000 outstanding)";
    static final int[] HANDLER_MILLIS = {0, 5};

    private final Path harnessClassPath;
    private final Path harnessClasses;
    private final Path workDir;
    private final int events;
    private final int rounds;
    /** handler ms → contender → rates. */
    final Map<Integer, Map<String, List<Double>>> rates = new LinkedHashMap<>();

    PubSubBench(Path harnessClassPath, Path harnessClasses, Path workDir, int events, int rounds) {
        this.harnessClassPath = harnessClassPath;
        this.harnessClasses = harnessClasses;
        this.workDir = workDir;
        this.events = events;
        this.rounds = rounds;
        for (int h : HANDLER_MILLIS) {
            Map<String, List<Double>> m = new LinkedHashMap<>();
            m.put(SLUICE, new ArrayList<>());
            m.put(GOOGLE, new ArrayList<>());
            m.put(GOOGLE_DEFAULT, new ArrayList<>());
            rates.put(h, m);
        }
    }

    int events() {
        return events;
    }

    int rounds() {
        return rounds;
    }

    void run() throws Exception {
        // the harness's own class path: run.sh points it at private copies of the Sluice jars
        String cp = System.getProperty("java.class.path");
        int port;
        ProcessBuilder pb = new ProcessBuilder(ChildProcess.javaCommand(List.of("-Xmx1g"), cp, PubSubServerMain.class.getName()))
                .redirectError(workDir.resolve("pubsub-server.log").toFile());
        Process server = pb.start();
        try {
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(server.getInputStream()));
            String line = in.readLine();
            if (line == null || !line.startsWith("port ")) throw new IllegalStateException("Pub/Sub test server did not start: " + line);
            port = Integer.parseInt(line.substring(5).trim());
            Log.info("Pub/Sub test server on 127.0.0.1:%d (pid %d)", port, server.pid());
            String endpoint = "127.0.0.1:" + port;
            ManagedChannel channel = ManagedChannelBuilder.forTarget(endpoint).usePlaintext().build();
            TransportChannelProvider channels = FixedTransportChannelProvider.create(GrpcTransportChannel.create(channel));
            try (TopicAdminClient topics = TopicAdminClient.create(TopicAdminSettings.newBuilder()
                    .setTransportChannelProvider(channels).setCredentialsProvider(NoCredentialsProvider.create()).build());
                 SubscriptionAdminClient subs = SubscriptionAdminClient.create(SubscriptionAdminSettings.newBuilder()
                         .setTransportChannelProvider(channels).setCredentialsProvider(NoCredentialsProvider.create()).build());
                 Sluice seeder = Sluice.create()) {
                Env env = new Env(endpoint, channels, topics, subs, seeder);
                once(env, SLUICE, Math.min(2_000, events), 0, "warm");
                once(env, GOOGLE, Math.min(2_000, events), 0, "warm");
                once(env, GOOGLE_DEFAULT, Math.min(2_000, events), 0, "warm");
                List<String> contenders = List.of(SLUICE, GOOGLE, GOOGLE_DEFAULT);
                for (int r = 1; r <= rounds; r++) {
                    for (int h : HANDLER_MILLIS) {
                        for (int i = 0; i < contenders.size(); i++) {
                            String c = contenders.get((i + r - 1) % contenders.size());
                            rates.get(h).get(c).add(once(env, c, events, h, "r" + r));
                        }
                    }
                }
            } finally {
                channel.shutdownNow();
            }
        } finally {
            server.destroy();
            server.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private record Env(String endpoint, TransportChannelProvider channels, TopicAdminClient topics, SubscriptionAdminClient subs,
                       Sluice seeder) {
    }

    private double once(Env env, String contender, int n, int handlerMillis, String round) throws Exception {
        String id = (contender.equals(SLUICE) ? "sluice" : contender.equals(GOOGLE) ? "google" : "googledefault") + "-"
                + handlerMillis + "-" + round;
        TopicName topic = TopicName.of("bench", "t-" + id);
        SubscriptionName sub = SubscriptionName.of("bench", "s-" + id);
        env.topics().createTopic(topic);
        env.subs().createSubscription(Subscription.newBuilder().setName(sub.toString()).setTopic(topic.toString())
                .setAckDeadlineSeconds(60).build());
        String uri = "pubsub://projects/bench/topics/t-" + id + "?subscription=s-" + id + "&endpoint=" + env.endpoint();
        seed(env.seeder(), uri, n);
        Work work = new Work(n, handlerMillis);
        AutoCloseable running = contender.equals(SLUICE) ? sluice(uri, work)
                : google(env, sub, work, contender.equals(GOOGLE) ? CONCURRENCY : 1_000);
        boolean done = work.await(10, TimeUnit.MINUTES);
        running.close();
        double rate = done ? work.rate() : Double.NaN;
        Log.info("pubsub %-36s handler %d ms %s: %,.0f msg/s (%d handled)", contender, handlerMillis, round, rate, work.handled());
        return rate;
    }

    private static AutoCloseable sluice(String uri, Work work) {
        Sluice sluice = Sluice.create();
        Worker worker = sluice.worker(QueueSpec.builder(uri).concurrency(CONCURRENCY).lease(Duration.ofSeconds(60))
                        .provisioning(QueueSpec.Provisioning.NONE).build())
                .on(BenchEvents.TYPE, (event, delivery) -> work.handle())
                .withoutLogging().start();
        return () -> {
            worker.close();
            sluice.close();
        };
    }

    private static AutoCloseable google(Env env, SubscriptionName sub, Work work, long maxOutstanding) {
        Subscriber s = Subscriber.newBuilder(ProjectSubscriptionName.of(sub.getProject(), sub.getSubscription()),
                        (com.google.cloud.pubsub.v1.MessageReceiver) (message, reply) -> {
                    if (!BenchEvents.TYPE.equals(message.getAttributesOrDefault("ce-type", null))) {
                        reply.nack();
                        throw new IllegalStateException("not a benchmark event: " + message.getAttributesMap());
                    }
                    work.handle();
                    reply.ack();
                })
                .setChannelProvider(env.channels())
                .setCredentialsProvider(NoCredentialsProvider.create())
                .setFlowControlSettings(FlowControlSettings.newBuilder().setMaxOutstandingElementCount(maxOutstanding).build())
                .setParallelPullCount(1)
                .setExecutorProvider(InstantiatingExecutorProvider.newBuilder().setExecutorThreadCount(CONCURRENCY).build())
                .build();
        s.startAsync().awaitRunning();
        return () -> s.stopAsync().awaitTerminated(30, TimeUnit.SECONDS);
    }

    private static void seed(Sluice seeder, String uri, int n) {
        QueueDriver driver = seeder.driver(URI.create(uri));
        CloudEventCodec codec = new CloudEventCodec(driver.capabilities());
        int batch = driver.capabilities().maxBatchSize();
        for (int from = 0; from < n; from += batch) {
            List<OutboundMessage> b = new ArrayList<>(batch);
            for (int i = from; i < Math.min(n, from + batch); i++) b.add(codec.encode(BenchEvents.order(i), PublishOptions.NONE));
            for (SendResult r : driver.send(b)) {
                if (!r.succeeded()) throw new IllegalStateException("seeding failed: " + r);
            }
        }
    }
}
