package dev.sluice.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Part 3: Lambda cold start. Each deployment jar is unzipped into its own task root; each round starts a
 * fresh JVM there running the AWS Lambda Runtime Interface Client (with the flags of Lambda's java17 runtime)
 * against a local {@link RuntimeApi} that hands it one SQS batch of 10 records; the time is from just before
 * the process starts to the moment the batch response arrives. The contenders' order rotates each round.
 */
final class LambdaBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int RECORDS = 10;

    /** A deployment. */
    record Function(String name, String jar, String handler, Map<String, String> env) {
    }


    /** The three contenders, then two variants of the Sluice function that explain its figures. */
    private static List<Function> functions() {
        List<Function> fs = new ArrayList<>(BASE_FUNCTIONS);
        Function sluice = BASE_FUNCTIONS.get(0);
        fs.add(new Function(SLIM, "lambda-sluice-slim/target/lambda-sluice-slim.jar", sluice.handler(), sluice.env()));
        fs.add(new Function(MEM, "lambda-sluice/target/lambda-sluice.jar", sluice.handler(),
                Map.of("SLUICE_MODULES", "dev.sluice.bench.lambda.sluice.OrdersModule", "SLUICE_QUEUE_ORDERS_URI", "mem://orders")));
        return fs;
    }

    static final String SLIM = "Sluice, slim packaging (analysis)";
    static final String MEM = "Sluice on a mem:// queue: no SQS client (analysis)";

    private static final List<Function> BASE_FUNCTIONS = List.of(
            new Function("Sluice Lambda host (Guice app)", "lambda-sluice/target/lambda-sluice.jar",
                    "dev.sluice.runtime.lambda.SqsLambdaHandler::handleRequest",
                    Map.of("SLUICE_MODULES", "dev.sluice.bench.lambda.sluice.OrdersModule",
                            "SLUICE_QUEUE_ORDERS_URI", "sqs://orders",
                            "SLUICE_QUEUE_ORDERS_PROVISIONING", "none")),
            new Function("plain RequestHandler<SQSEvent, SQSBatchResponse>", "lambda-plain/target/lambda-plain.jar",
                    "dev.sluice.bench.lambda.plain.PlainOrdersHandler::handleRequest", Map.of()),
            new Function("Spring Cloud Function AWS adapter", "lambda-spring/target/lambda-spring.jar",
                    "org.springframework.cloud.function.adapter.aws.FunctionInvoker::handleRequest",
                    Map.of("MAIN_CLASS", "dev.sluice.bench.lambda.spring.OrdersApplication",
                            "SPRING_CLOUD_FUNCTION_DEFINITION", "orders")));

    static final List<Function> FUNCTIONS = functions();

    private final Path root;
    private final Path workDir;
    private final int rounds;
    /** function name → total ms (JVM start to batch response), init ms (JVM start to first invocation/next). */
    final Map<String, List<Double>> total = new LinkedHashMap<>();
    final Map<String, List<Double>> init = new LinkedHashMap<>();
    final Map<String, Long> jarBytes = new LinkedHashMap<>();
    final Map<String, Map<String, Long>> jarParts = new LinkedHashMap<>();

    LambdaBench(Path root, Path workDir, int rounds) {
        this.root = root;
        this.workDir = workDir;
        this.rounds = rounds;
    }

    int rounds() {
        return rounds;
    }

    void run() throws Exception {
        String ric = Files.readString(root.resolve("lambda-ric/target/classpath.txt")).trim();
        String event = sqsEvent();
        Map<String, Path> taskRoots = new LinkedHashMap<>();
        for (Function f : FUNCTIONS) {
            Path jar = root.resolve(f.jar());
            jarBytes.put(f.name(), Files.size(jar));
            jarParts.put(f.name(), composition(jar));
            Path dir = workDir.resolve("task-" + jar.getFileName().toString().replace(".jar", ""));
            if (!taskRoots.containsValue(dir)) unzip(jar, dir);
            taskRoots.put(f.name(), dir);
            total.put(f.name(), new ArrayList<>());
            init.put(f.name(), new ArrayList<>());
        }
        // warm the OS file cache: one untimed start of each
        for (Function f : FUNCTIONS) once(f, taskRoots.get(f.name()), ric, event, 0);
        for (int r = 1; r <= rounds; r++) {
            for (int i = 0; i < FUNCTIONS.size(); i++) {
                Function f = FUNCTIONS.get((i + r - 1) % FUNCTIONS.size());
                double[] t = once(f, taskRoots.get(f.name()), ric, event, r);
                total.get(f.name()).add(t[0]);
                init.get(f.name()).add(t[1]);
            }
        }
    }

    private double[] once(Function f, Path taskRoot, String ric, String event, int round) throws Exception {
        try (RuntimeApi api = new RuntimeApi(event)) {
            String cp = taskRoot + ":" + taskRoot.resolve("lib") + "/*:" + ric;
            String prepend = System.getProperty("bench.lambda.sluice.prepend");
            if (prepend != null && f.handler().startsWith("dev.sluice")) cp = prepend + ":" + cp; // to try a patch
            if (f.env().getOrDefault("SLUICE_QUEUE_ORDERS_URI", "").startsWith("mem:")) {
                // the analysis variant: the in-memory driver (not in the deployment jar) from the harness's class path
                for (String e : System.getProperty("java.class.path").split(":")) {
                    if (e.contains("sluice-adapters-inmemory")) cp += ":" + e;
                }
            }
            List<String> jvm = new ArrayList<>(List.of("-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1",
                    "-XX:+UseSerialGC", "-Xshare:auto", "-Xmx448m"));
            String extra = System.getProperty("bench.lambda.jvmargs");
            if (extra != null && !extra.isBlank()) jvm.addAll(List.of(extra.trim().split("\\s+")));
            List<String> cmd = ChildProcess.javaCommand(jvm, cp, "com.amazonaws.services.lambda.runtime.api.client.AWSLambda",
                    f.handler());
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(taskRoot.toFile());
            Map<String, String> env = pb.environment();
            env.keySet().removeIf(k -> k.startsWith("SLUICE_") || k.startsWith("AWS_") || k.startsWith("SPRING_"));
            env.put("AWS_LAMBDA_RUNTIME_API", api.address());
            env.put("_HANDLER", f.handler());
            env.put("LAMBDA_TASK_ROOT", taskRoot.toString());
            env.put("AWS_LAMBDA_FUNCTION_NAME", "orders");
            env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
            env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512");
            env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/orders");
            env.put("AWS_LAMBDA_LOG_STREAM_NAME", "bench");
            env.put("AWS_REGION", "eu-west-1");
            env.put("AWS_DEFAULT_REGION", "eu-west-1");
            env.put("AWS_ACCESS_KEY_ID", "bench");
            env.put("AWS_SECRET_ACCESS_KEY", "bench");
            env.put("AWS_SESSION_TOKEN", "bench");
            // nothing may leave 127.0.0.1: an SQS call from any function would go to a closed local port
            env.put("AWS_ENDPOINT_URL", "http://127.0.0.1:9");
            env.put("AWS_ENDPOINT_URL_SQS", "http://127.0.0.1:9");
            env.putAll(f.env());
            Path log = workDir.resolve("lambda-" + f.name().replaceAll("[^A-Za-z]", "") + "-" + round + ".log");
            pb.redirectErrorStream(true).redirectOutput(log.toFile());
            long t0 = System.nanoTime();
            Process p = pb.start();
            try {
                RuntimeApi.Result res = api.result.get(120, TimeUnit.SECONDS);
                if (!res.kind().equals("response")) {
                    throw new IllegalStateException(f.name() + ": " + res.kind() + " " + res.body() + "\n" + Files.readString(log));
                }
                JsonNode failures = JSON.readTree(res.body()).get("batchItemFailures");
                if (failures == null || failures.size() != 0) {
                    throw new IllegalStateException(f.name() + " reported failures: " + res.body() + "\n" + Files.readString(log));
                }
                double totalMs = (res.atNanos() - t0) / 1e6;
                double initMs = (api.firstNext.get() - t0) / 1e6;
                Log.info("lambda %-50s round %d: %,.0f ms to the batch response (%,.0f ms to the first invocation/next)",
                        f.name(), round, totalMs, initMs);
                return new double[] {totalMs, initMs};
            } finally {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** An SQS event of {@link #RECORDS} binary-mode CloudEvents, as Lambda's event source mapping sends it. */
    static String sqsEvent() {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode records = root.putArray("Records");
        for (int i = 0; i < RECORDS; i++) {
            String id = "0f4c1b3e-5a8d-4c2e-9b7a-00000000000" + i;
            ObjectNode r = records.addObject();
            r.put("messageId", id);
            r.put("receiptHandle", "AQEB" + id + "/receipt==");
            r.put("body", BenchEvents.data(i + 1));
            ObjectNode a = r.putObject("attributes");
            a.put("ApproximateReceiveCount", "1");
            a.put("SentTimestamp", "1795852800000");
            a.put("SenderId", "AIDAIENQZJOLO23YVJ4VO");
            a.put("ApproximateFirstReceiveTimestamp", "1795852800012");
            ObjectNode m = r.putObject("messageAttributes");
            Map<String, String> ce = new LinkedHashMap<>();
            ce.put("ce-specversion", "1.0");
            ce.put("ce-id", "evt-" + i);
            ce.put("ce-source", "/bench/shop");
            ce.put("ce-type", BenchEvents.TYPE);
            ce.put("ce-time", "2026-11-28T08:00:00Z");
            ce.put("content-type", "application/json");
            ce.forEach((k, v) -> {
                ObjectNode attr = m.putObject(k);
                attr.put("stringValue", v);
                attr.putArray("stringListValues");
                attr.putArray("binaryListValues");
                attr.put("dataType", "String");
            });
            r.put("md5OfBody", "0");
            r.put("eventSource", "aws:sqs");
            r.put("eventSourceARN", "arn:aws:sqs:eu-west-1:123456789012:orders");
            r.put("awsRegion", "eu-west-1");
        }
        return root.toString();
    }

    private static Path unzip(Path jar, Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Files.createDirectories(dir);
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            var entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                Path target = dir.resolve(e.getName()).normalize();
                if (!target.startsWith(dir)) continue;
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    try (InputStream in = zip.getInputStream(e)) {
                        Files.copy(in, target);
                    }
                }
            }
        }
        return dir;
    }

    /** Compressed bytes of the jar by top-level package (three path segments), largest first. */
    private static Map<String, Long> composition(Path jar) throws IOException {
        Map<String, Long> parts = new TreeMap<>();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            var entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                if (e.isDirectory()) continue;
                String[] seg = e.getName().split("/");
                String key;
                if (seg.length <= 1 || seg[0].equals("META-INF")) key = seg.length > 1 ? "META-INF" : "(root files)";
                else key = String.join(".", java.util.Arrays.copyOf(seg, Math.min(3, seg.length - 1)));
                parts.merge(key, Math.max(0, e.getCompressedSize()), Long::sum);
            }
        }
        Map<String, Long> sorted = new LinkedHashMap<>();
        parts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }
}
