package dev.sluice.runtime.lambda;

import dev.sluice.runtime.testapp.SqsEvents;
import dev.sluice.runtime.testapp.TestAppModule;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Measures (never asserts) the time from starting the JVM to the Runtime API receiving the response to the
 * first SQS event (10 records) for the Lambda host with the small test application, as Lambda runs it: the
 * deployment jar unzipped into a task root that is the working directory, the real Runtime Interface Client.
 * Not a test; see the README for the command.
 *
 * <p>Arguments: the {@code -lambda.jar}, the test-classes directory (the application), the RIC's class path,
 * the number of runs, and jars the application needs besides the runtime (its adapter), which go to
 * {@code lib/} as in a Lambda zip.
 */
public final class LambdaColdStart {
    private LambdaColdStart() {
    }

    public static void main(String[] args) throws Exception {
        Path taskRoot = Files.createTempDirectory("sluice-task-root");
        unzip(Path.of(args[0]), taskRoot);
        copyApplication(Path.of(args[1]), taskRoot);
        Files.createDirectories(taskRoot.resolve("lib"));
        for (int i = 4; i < args.length; i++) {
            Path jar = Path.of(args[i]);
            Files.copy(jar, taskRoot.resolve("lib").resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
        int runs = Integer.parseInt(args[3]);
        String event = tenRecords();
        List<Long> millis = new ArrayList<>();
        Map<String, String> env = Map.of("SLUICE_MODULES", TestAppModule.class.getName(),
                "SLUICE_QUEUE_ORDERS_URI", "mem://orders");
        for (int i = 0; i < runs; i++) {
            try (FakeLambdaRuntimeApi api = new FakeLambdaRuntimeApi()) {
                var response = api.invoke(event);
                long start = System.nanoTime();
                try (LambdaProcess lambda = LambdaProcess.start(api, env, args[2], taskRoot)) {
                    FakeLambdaRuntimeApi.Result r = response.get(60, TimeUnit.SECONDS);
                    if (r.error()) throw new IllegalStateException(r.body() + "\n" + lambda.output());
                    millis.add((r.receivedAtNanos() - start) / 1_000_000);
                }
            }
        }
        List<Long> sorted = new ArrayList<>(millis);
        Collections.sort(sorted);
        System.out.println("JVM start to first response (ms), " + runs + " runs: " + millis + "; median "
                + sorted.get(sorted.size() / 2) + "; task root " + size(taskRoot) / 1024 + " KB");
    }

    private static String tenRecords() {
        SqsEvents e = SqsEvents.from("orders");
        for (int i = 0; i < 10; i++) e.event("m" + i, "greet", "{\"name\":\"user" + i + "\"}");
        return e.json();
    }

    private static void unzip(Path jar, Path dir) throws IOException {
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(jar))) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                Path target = dir.resolve(e.getName()).normalize();
                if (!target.startsWith(dir)) continue;
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(zip, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static void copyApplication(Path testClasses, Path dir) throws IOException {
        Path app = testClasses.resolve("dev/sluice/runtime/testapp");
        try (Stream<Path> files = Files.walk(app)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path target = dir.resolve(testClasses.relativize(f).toString());
                if (Files.isDirectory(f)) Files.createDirectories(target);
                else try (InputStream in = Files.newInputStream(f)) {
                    Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static long size(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }
}
