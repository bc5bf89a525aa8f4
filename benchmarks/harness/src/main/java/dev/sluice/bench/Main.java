package dev.sluice.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Runs the benchmarks and writes BENCHMARKS.md. Arguments: {@code --quick} (small scale, to check the
 * harnesses), {@code --parts=sqs,pubsub,lambda,memory,jmh} (default all), {@code --out=FILE}.
 * System property {@code bench.root}: the {@code benchmarks/} folder (default: the working directory).
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        boolean quick = false;
        Set<String> parts = new HashSet<>(List.of("sqs", "pubsub", "lambda", "memory", "jmh"));
        Path root = Path.of(System.getProperty("bench.root", ".")).toAbsolutePath().normalize();
        Path out = root.resolve("BENCHMARKS.md");
        String command = System.getProperty("bench.command", "bash benchmarks/run.sh");
        for (String a : args) {
            if (a.equals("--quick")) quick = true;
            else if (a.startsWith("--parts=")) parts = new HashSet<>(Arrays.asList(a.substring(8).split(",")));
            else if (a.startsWith("--out=")) out = Path.of(a.substring(6)).toAbsolutePath();
            else throw new IllegalArgumentException("unknown argument " + a);
        }
        System.setProperty("aws.accessKeyId", "bench");
        System.setProperty("aws.secretAccessKey", "bench");
        System.setProperty("aws.region", "us-east-1");
        Path work = Files.createDirectories(root.resolve("harness/target/work"));
        long t0 = System.nanoTime();
        Report report = new Report(quick, command);

        if (parts.contains("memory")) {
            InMemoryBench b = new InMemoryBench(quick ? 20_000 : 200_000, quick ? 2 : 5);
            guarded("memory", () -> b.run(), report);
            report.memory = b;
        }
        if (parts.contains("sqs")) {
            SqsBench b = new SqsBench(root.resolve("elasticmq-server/target/classpath.txt"), work,
                    quick ? 2_000 : Integer.getInteger("bench.sqs.events", 20_000), quick ? 1 : Integer.getInteger("bench.sqs.rounds", 5));
            guarded("sqs", () -> b.run(), report);
            report.sqs = b;
        }
        if (parts.contains("pubsub")) {
            PubSubBench b = new PubSubBench(root.resolve("harness/target/classpath.txt"), root.resolve("harness/target/classes"),
                    work, quick ? 2_000 : Integer.getInteger("bench.pubsub.events", 4_000), quick ? 1 : Integer.getInteger("bench.pubsub.rounds", 3));
            guarded("pubsub", () -> b.run(), report);
            report.pubsub = b;
        }
        if (parts.contains("lambda")) {
            LambdaBench b = new LambdaBench(root, work, quick ? 1 : 7);
            guarded("lambda", () -> b.run(), report);
            report.lambda = b;
        }
        if (parts.contains("jmh")) {
            JmhBench b = new JmhBench(quick);
            guarded("jmh", () -> b.run(), report);
            report.jmh = b;
        }
        report.totalSeconds = (System.nanoTime() - t0) / 1e9;
        Files.writeString(out, report.markdown());
        Log.info("wrote %s after %.0f s", out, report.totalSeconds);
        System.exit(0);
    }

    interface Part {
        void run() throws Exception;
    }

    private static void guarded(String name, Part part, Report report) {
        Log.info("=== %s", name);
        long t0 = System.nanoTime();
        try {
            part.run();
        } catch (Exception | Error e) {
            e.printStackTrace();
            report.failures.add(name + ": " + e);
        }
        Log.info("=== %s took %.0f s", name, (System.nanoTime() - t0) / 1e9);
        report.partSeconds.put(name, (System.nanoTime() - t0) / 1e9);
    }
}
