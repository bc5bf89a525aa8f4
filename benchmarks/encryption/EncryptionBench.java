import dev.sluice.QueueSpec;
import dev.sluice.Scheduler;
import dev.sluice.core.Sluice;
import dev.sluice.crypto.LocalKeyring;
import dev.sluice.crypto.PayloadEncryption;
import dev.sluice.worker.Worker;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The cost of encrypted payloads (issue 14), a plain harness (no JMH): ns per event for encrypt, decrypt and both at
 * 1 KB and 100 KB of data, the data key and the unwrapped key cached as in production (the local keyring); then
 * end-to-end throughput (publish + worker, events/s) with and without encryption on mem:// and, with
 * {@code sqs}, on an embedded ElasticMQ. Run with {@code benchmarks/encryption/run.sh}; never in the test run.
 */
public final class EncryptionBench {
    static volatile Object sink;

    public static void main(String[] args) throws Exception {
        boolean sqs = Arrays.asList(args).contains("sqs");
        System.setProperty("aws.accessKeyId", "test"); // ElasticMQ's; the SDK reads credentials from the process
        System.setProperty("aws.secretAccessKey", "test");
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        LocalKeyring ring = LocalKeyring.of("k1:" + Base64.getEncoder().encodeToString(key));
        Scheduler clock = Scheduler.system();
        PayloadEncryption enc = new PayloadEncryption(ring, clock);
        System.out.println("| data | encrypt ns/event | decrypt ns/event | encrypt+decrypt ns/event |");
        System.out.println("|---|---|---|---|");
        for (int size : new int[] {1024, 100 * 1024}) {
            CloudEvent e = event(size);
            CloudEvent sealed = enc.encrypt(e);
            int n = size > 10_000 ? 4_000 : 100_000;
            double encrypt = median(() -> sink = enc.encrypt(e), n);
            double decrypt = median(() -> sink = enc.decrypt(sealed), n);
            double both = median(() -> sink = enc.decrypt(enc.encrypt(e)), n);
            System.out.printf("| %d KB | %.0f | %.0f | %.0f |%n", size / 1024, encrypt, decrypt, both);
        }
        clock.close();
        System.out.println();
        System.out.println("| broker | events | plain events/s | encrypted events/s | ratio |");
        System.out.println("|---|---|---|---|---|");
        throughput("mem", 50_000, null);
        if (sqs) {
            Object server = startElasticMq();
            try {
                throughput("sqs", 5_000, server);
            } finally {
                server.getClass().getMethod("stopAndWait").invoke(server);
            }
        }
    }

    static CloudEvent event(int size) {
        byte[] data = new byte[size];
        Arrays.fill(data, (byte) 'x');
        data[0] = '"';
        data[size - 1] = '"';
        return CloudEventBuilder.v1().withId("e").withSource(URI.create("/bench")).withType("bench")
                .withDataContentType("application/json").withData(data).build();
    }

    /** Median ns per call over 5 rounds of {@code n} calls, after 2 warm-up rounds. */
    static double median(Runnable r, int n) {
        double[] rounds = new double[5];
        for (int round = -2; round < 5; round++) {
            long t = System.nanoTime();
            for (int i = 0; i < n; i++) r.run();
            if (round >= 0) rounds[round] = (System.nanoTime() - t) / (double) n;
        }
        Arrays.sort(rounds);
        return rounds[2];
    }

    static void throughput(String broker, int events, Object elasticMq) throws Exception {
        double plain = 0;
        double encrypted = 0;
        for (int round = 0; round < 3; round++) { // the last round counts; the first two warm up
            plain = run(broker, events, false, elasticMq, round);
            encrypted = run(broker, events, true, elasticMq, round);
        }
        System.out.printf("| %s | %d × 1 KB | %.0f | %.0f | %.2f |%n", broker, events, plain, encrypted, encrypted / plain);
    }

    static double run(String broker, int events, boolean encrypt, Object elasticMq, int round) throws Exception {
        String uri = broker + "://bench-" + (encrypt ? "enc" : "plain") + "-" + round;
        Sluice.Builder b = Sluice.builder();
        if (elasticMq != null) {
            String endpoint = "http://127.0.0.1:" + PORT;
            Map<String, String> env = Map.of("AWS_ENDPOINT_URL_SQS", endpoint, "AWS_REGION", "us-east-1");
            b.environment(env::get);
        }
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        b.keyProvider(LocalKeyring.of("k1:" + Base64.getEncoder().encodeToString(key)));
        if (encrypt) b.encrypted(uri);
        CloudEvent e = event(1024);
        CountDownLatch done = new CountDownLatch(events);
        try (Sluice sluice = b.build()) {
            QueueSpec spec = QueueSpec.builder(uri).concurrency(16).lease(Duration.ofSeconds(60)).build();
            sluice.open(spec);
            long t = System.nanoTime();
            try (Worker w = sluice.worker(spec).on("bench", (ev, d) -> done.countDown()).start()) {
                var publisher = sluice.publisher(uri);
                for (int i = 0; i < events; i++) {
                    publisher.publish(CloudEventBuilder.from(e).withId("e-" + i).build());
                }
                if (!done.await(10, TimeUnit.MINUTES)) throw new IllegalStateException("not all handled");
            }
            return events / ((System.nanoTime() - t) / 1e9);
        }
    }

    static final int PORT = 19324;

    static Object startElasticMq() throws Exception {
        Class<?> builder = Class.forName("org.elasticmq.rest.sqs.SQSRestServerBuilder");
        Object b = builder.getMethod("withInterface", String.class).invoke(null, "127.0.0.1");
        b = b.getClass().getMethod("withPort", int.class).invoke(b, PORT);
        Object server = b.getClass().getMethod("start").invoke(b);
        server.getClass().getMethod("waitUntilStarted").invoke(server);
        return server;
    }
}
