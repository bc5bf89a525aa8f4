package dev.sluice.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipFile;

/** Writes BENCHMARKS.md from the parts that ran. */
final class Report {
    final boolean quick;
    final String command;
    final List<String> failures = new ArrayList<>();
    final Map<String, Double> partSeconds = new LinkedHashMap<>();
    double totalSeconds;
    InMemoryBench memory;
    SqsBench sqs;
    PubSubBench pubsub;
    LambdaBench lambda;
    JmhBench jmh;

    Report(boolean quick, String command) {
        this.quick = quick;
        this.command = command;
    }

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# Sluice benchmarks\n\n");
        md.append("Written by `").append(command).append("` on ")
                .append(ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)).append(String.format(Locale.ROOT,
                        ", which ran for %.1f minutes", totalSeconds / 60)).append(". Every figure below comes from that one run.");
        if (quick) md.append(" **This was a `--quick` run (small scale, one round): a check of the harnesses, not a result.**");
        md.append("\n\nEvery comparison ran its contenders in the same run, interleaved (the order rotates each round),")
                .append(" after an untimed warm-up of each. Figures are medians over the rounds, with the range in brackets;")
                .append(" ratios are ratios of medians. Runs on this kind of machine differ by about 30 % from one run to the")
                .append(" next, so compare contenders within this file, not across runs.\n\n");
        md.append("## Machine\n\n").append(Machine.describe());
        md.append("- Time per part: ");
        partSeconds.forEach((k, v) -> md.append(String.format(Locale.ROOT, "%s %.0f s; ", k, v)));
        md.append("\n\n");
        md.append("## Versions\n\n").append(versions()).append("\n");
        if (!failures.isEmpty()) {
            md.append("## Failures in this run\n\n");
            for (String f : failures) md.append("- ").append(f).append("\n");
            md.append("\n");
        }
        md.append("## Summary against the targets (issue 8)\n\n").append(summary()).append("\n");
        if (sqs != null) md.append(sqsSection());
        if (pubsub != null) md.append(pubsubSection());
        if (lambda != null) md.append(lambdaSection());
        if (memory != null) md.append(memorySection());
        if (jmh != null) md.append(jmhSection());
        md.append(Analysis.TEXT);
        md.append("## Reproduce\n\n```\n").append(command).append("\n```\n\n")
                .append("See `benchmarks/README.md` for what it builds, the options (`--quick`, `--parts=`), and where the logs go.\n");
        return md.toString();
    }

    // ---- summary ----------------------------------------------------------------------------------

    private String summary() {
        StringBuilder s = new StringBuilder("| target | measured | met? |\n|---|---|---|\n");
        if (sqs != null && !sqs.runs.isEmpty()) {
            for (var e : sqs.rates().entrySet()) {
                Map<String, List<Double>> r = e.getValue();
                double sl = Stats.median(r.get("Sluice Worker"));
                double well = Stats.median(r.get("SDK loop, well written"));
                double naive = Stats.median(r.get("SDK loop, naive"));
                double spring = Stats.median(r.get("Spring Cloud AWS @SqsListener"));
                String h = e.getKey() + " ms handler";
                s.append(row("SQS, " + h + ": Sluice ≥ 0.9× the well-written loop", Stats.ratio(sl, well), sl / well >= 0.9));
                s.append(row("SQS, " + h + ": Sluice ≥ 1.5× Spring Cloud AWS", Stats.ratio(sl, spring), sl / spring >= 1.5));
                s.append(row("SQS, " + h + ": Sluice ≥ the naive loop", Stats.ratio(sl, naive), sl >= naive));
            }
        }
        if (lambda != null && !lambda.total.isEmpty() && !lambda.total.values().iterator().next().isEmpty()) {
            double sl = Stats.median(lambda.total.get(LambdaBench.FUNCTIONS.get(0).name()));
            double plain = Stats.median(lambda.total.get(LambdaBench.FUNCTIONS.get(1).name()));
            double spring = Stats.median(lambda.total.get(LambdaBench.FUNCTIONS.get(2).name()));
            s.append(row("Lambda cold start: Sluice ≤ 1.3× the plain handler", Stats.ratio(sl, plain), sl / plain <= 1.3));
            s.append(row("Lambda cold start: Sluice ≤ ½ Spring Cloud Function", Stats.ratio(sl, spring), sl / spring <= 0.5));
            long bytes = lambda.jarBytes.get(LambdaBench.FUNCTIONS.get(0).name());
            s.append(row("Lambda deployment jar < 15 MB", String.format(Locale.ROOT, "%.1f MB", bytes / 1e6), bytes < 15_000_000));
        }
        if (memory != null && !memory.sluice.isEmpty()) {
            double sl = Stats.median(memory.sluice);
            double base = Stats.median(memory.baseline);
            s.append(row("In-memory: Sluice ≥ ½ the ArrayBlockingQueue baseline", Stats.ratio(sl, base), sl / base >= 0.5));
        }
        return s.toString();
    }

    private static String row(String target, String measured, boolean met) {
        return "| " + target + " | " + measured + " | " + (met ? "yes" : "**no**") + " |\n";
    }

    // ---- sections ---------------------------------------------------------------------------------

    private String sqsSection() {
        StringBuilder s = new StringBuilder("## 1. SQS worker throughput on ElasticMQ\n\n");
        s.append(String.format(Locale.ROOT, "ElasticMQ %s (`org.elasticmq.server.Main`) in its own JVM on 127.0.0.1 (-Xmx1g)."
                        + " Per run: a fresh standard queue (visibility timeout 60 s), %,d binary-mode CloudEvents sent before"
                        + " the consumer starts, then consumed with concurrency %d. Rate = messages from the first handled to the"
                        + " last handled, per second (start-up excluded). %d rounds × 2 handlers × 4 contenders",
                version("elasticmq-server_2.13"), sqs.events(), SqsBench.CONCURRENCY, sqs.rounds()));
        Double sqsSeconds = partSeconds.get("sqs");
        s.append(String.format(Locale.ROOT, "; the SQS part took %.1f minutes with %d rounds, warm-up included%s.\n\n",
                sqsSeconds == null ? Double.NaN : sqsSeconds / 60, sqs.rounds(),
                sqs.rounds() < 5 ? " (rounds scaled down from 5 to fit the 20-minute budget)" : ""));
        s.append("Contenders: **Sluice Worker** (`sqs://` driver, provisioning none, lease 60 s); **SDK loop, well written**"
                + " (async SDK, concurrency/10 receivers, each waiting for 10 free handler slots, then long-polling for 10;"
                + " a pool of `concurrency` handler threads; one DeleteMessageBatch per received batch, sent when its last"
                + " message is handled); **SDK loop, naive** (`concurrency`"
                + " threads: receive 1, handle, DeleteMessage); **Spring Cloud AWS @SqsListener** (plain Spring context,"
                + " `maxConcurrentMessages` = concurrency, `maxMessagesPerPoll` = 10, poll timeout 20 s, acknowledgement"
                + " defaults: batched, every second or 10 messages). All use the same Netty `SqsAsyncClient` set-up.\n\n");
        for (var e : sqs.rates().entrySet()) {
            s.append("### Handler: ").append(e.getKey() == 0 ? "no-op" : e.getKey() + " ms sleep").append("\n\n");
            s.append("| contender | events/s, median (range) | ratio to the well-written loop | rounds |\n|---|---|---|---|\n");
            double well = Stats.median(e.getValue().get("SDK loop, well written"));
            for (var c : e.getValue().entrySet()) {
                s.append("| ").append(c.getKey()).append(" | ").append(Stats.medianAndRange(c.getValue(), "%,.0f")).append(" | ")
                        .append(Stats.ratio(Stats.median(c.getValue()), well)).append(" | ").append(Stats.all(c.getValue(), "%,.0f"))
                        .append(" |\n");
            }
            s.append("\n");
        }
        s.append("Broker calls and CPU per message, medians over the rounds. Calls are counted by an SDK interceptor on each"
                + " contender's client; CPU is this JVM's (the contender's) and ElasticMQ's process CPU time from the"
                + " first handled message to the last, divided by the messages (start-up left out). ElasticMQ is CPU-bound on"
                + " this machine, so its CPU per message, driven by calls per message, sets the ceiling:\n\n");
        s.append("| contender | handler | ReceiveMessage per 100 msgs | delete calls per 100 msgs | contender CPU µs/msg | ElasticMQ CPU µs/msg |\n")
                .append("|---|---|---|---|---|---|\n");
        Map<String, List<SqsBench.Run>> byKey = new LinkedHashMap<>();
        for (SqsBench.Run r : sqs.runs) byKey.computeIfAbsent(r.contender() + "|" + r.handlerMillis(), k -> new ArrayList<>()).add(r);
        for (var e : byKey.entrySet()) {
            List<SqsBench.Run> rs = e.getValue();
            List<Double> receives = new ArrayList<>(), deletes = new ArrayList<>(), client = new ArrayList<>(), broker = new ArrayList<>();
            for (SqsBench.Run r : rs) {
                double per = 100.0 / Math.max(1, r.handled());
                receives.add(r.calls().getOrDefault("ReceiveMessage", 0L) * per);
                deletes.add((r.calls().getOrDefault("DeleteMessageBatch", 0L) + r.calls().getOrDefault("DeleteMessage", 0L)) * per);
                client.add(r.clientCpuMicros());
                broker.add(r.brokerCpuMicros());
            }
            s.append("| ").append(rs.get(0).contender()).append(" | ").append(rs.get(0).handlerMillis()).append(" ms | ")
                    .append(Stats.fmt("%.1f", Stats.median(receives))).append(" | ").append(Stats.fmt("%.1f", Stats.median(deletes)))
                    .append(" | ").append(Stats.fmt("%.0f", Stats.median(client))).append(" | ")
                    .append(Stats.fmt("%.0f", Stats.median(broker))).append(" |\n");
        }
        s.append("\n");
        s.append("Messages handled and left on the queue after each consumer closed (duplicates show as handled > sent; the"
                + " naive loop may leave one message whose delete its shutdown interrupted): ");
        StringBuilder odd = new StringBuilder();
        for (SqsBench.Run r : sqs.runs) {
            if (r.handled() == sqs.events() && r.leftover() == 0) continue;
            odd.append("| ").append(r.contender()).append(" | ").append(r.handlerMillis()).append(" ms | ").append(r.round())
                    .append(" | ").append(r.handled()).append(" | ").append(r.leftover()).append(" |\n");
        }
        if (odd.length() == 0) {
            s.append("every run handled exactly ").append(String.format(Locale.ROOT, "%,d", sqs.events()))
                    .append(" messages and left none on the queue.\n");
        } else {
            s.append("every run not listed handled exactly ").append(String.format(Locale.ROOT, "%,d", sqs.events()))
                    .append(" messages and left none.\n\n| contender | handler | round | handled | left on the queue |\n")
                    .append("|---|---|---|---|---|\n").append(odd);
        }
        s.append("\n");
        return s.toString();
    }

    private String pubsubSection() {
        StringBuilder s = new StringBuilder("## 2. Pub/Sub worker throughput on the test server\n\n");
        s.append(String.format(Locale.ROOT, "The testkit's Pub/Sub server (`dev.sluice.testkit.pubsub.PubSubTestServer`) in its own"
                        + " JVM on 127.0.0.1. Per run: a fresh topic and subscription (ack deadline 60 s), %,d CloudEvents"
                        + " published first, then consumed. Same flow control for both: at most %d messages outstanding, %d handler"
                        + " threads (Google: `FlowControlSettings.maxOutstandingElementCount` = %d, one streaming pull,"
                        + " `executorThreadCount` = %d; Sluice: `concurrency` = %d, which it serves by unary pull). Because the"
                        + " server counts a streamed message as outstanding until its ack arrives, and the Google client sends"
                        + " acks in batches (about every 100 ms), 20 outstanding caps the Subscriber near 200 messages/s; so"
                        + " the Subscriber also runs with its default flow control (1,000 outstanding, same %d threads), which is"
                        + " what its users get. %d rounds.\n\n",
                pubsub.events(), PubSubBench.CONCURRENCY, PubSubBench.CONCURRENCY, PubSubBench.CONCURRENCY, PubSubBench.CONCURRENCY,
                PubSubBench.CONCURRENCY, PubSubBench.CONCURRENCY, pubsub.rounds()));
        for (var e : pubsub.rates.entrySet()) {
            s.append("### Handler: ").append(e.getKey() == 0 ? "no-op" : e.getKey() + " ms sleep").append("\n\n");
            s.append("| contender | events/s, median (range) | ratio to Google's Subscriber, same flow control | rounds |\n|---|---|---|---|\n");
            double g = Stats.median(e.getValue().get(PubSubBench.GOOGLE));
            for (var c : e.getValue().entrySet()) {
                s.append("| ").append(c.getKey()).append(" | ").append(Stats.medianAndRange(c.getValue(), "%,.0f")).append(" | ")
                        .append(Stats.ratio(Stats.median(c.getValue()), g)).append(" | ").append(Stats.all(c.getValue(), "%,.0f"))
                        .append(" |\n");
            }
            s.append("\n");
        }
        return s.toString();
    }

    private String lambdaSection() {
        StringBuilder s = new StringBuilder("## 3. Lambda cold start\n\n");
        s.append(String.format(Locale.ROOT, "Each deployment jar unzipped into its own task root; each round starts a new JVM there"
                        + " (`-XX:+TieredCompilation -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto`, as Lambda's java17"
                        + " runtime) running the AWS Lambda Runtime Interface Client %s against a Runtime API on 127.0.0.1 that"
                        + " hands it one SQS event of %d binary-mode CloudEvents (`order.placed`, JSON data). Time from just"
                        + " before the process starts to the batch response; all three bind the JSON to an `Order`, check it,"
                        + " count it, and report no failures. %d rounds.\n\n",
                version("aws-lambda-java-runtime-interface-client"), LambdaBench.RECORDS, lambda.rounds()));
        s.append("| function | JVM start → batch response, ms | ratio to plain | JVM start → first `invocation/next` (init), ms | jar |\n")
                .append("|---|---|---|---|---|\n");
        double plain = Stats.median(lambda.total.get(LambdaBench.FUNCTIONS.get(1).name()));
        for (LambdaBench.Function f : LambdaBench.FUNCTIONS) {
            List<Double> t = lambda.total.get(f.name());
            s.append("| ").append(f.name()).append(" | ").append(Stats.medianAndRange(t, "%,.0f")).append(" | ")
                    .append(Stats.ratio(Stats.median(t), plain)).append(" | ")
                    .append(Stats.medianAndRange(lambda.init.get(f.name()), "%,.0f")).append(" | ")
                    .append(String.format(Locale.ROOT, "%.1f MB", lambda.jarBytes.get(f.name()) / 1e6)).append(" |\n");
        }
        s.append("\nThe last two rows are not contenders; they explain the Sluice figure. *Slim packaging* is the same"
                + " application shaded without the AWS SDK's Apache 5 HTTP client (which the async SQS driver never uses) and"
                + " with `minimizeJar` (module `benchmarks/lambda-sluice-slim`). *mem:// queue* is the same jar and"
                + " application configured with `SLUICE_QUEUE_ORDERS_URI=mem://orders`: no `SqsAsyncClient` is built, so the"
                + " difference to the first row is what building the SQS client at start-up costs.\n");
        s.append("\nWhat the Sluice jar is made of (compressed bytes by package, the ten largest):\n\n| package | MB |\n|---|---|\n");
        lambda.jarParts.get(LambdaBench.FUNCTIONS.get(0).name()).entrySet().stream().limit(10).forEach(e ->
                s.append("| ").append(e.getKey()).append(" | ").append(String.format(Locale.ROOT, "%.2f", e.getValue() / 1e6)).append(" |\n"));
        s.append("\n");
        return s.toString();
    }

    private String memorySection() {
        StringBuilder s = new StringBuilder("## 4. In-memory broker: publish to handled\n\n");
        s.append(String.format(Locale.ROOT, "%,d events per round, handler concurrency %d, no-op handler; time from the first"
                        + " publish to the last handled event. Sluice: `publisher(\"mem://…\").publish(event)` for each event and a"
                        + " `mem://` worker. Baseline: the publishing thread encodes each event with `CloudEventCodec` and submits"
                        + " a task to a `ThreadPoolExecutor` over an `ArrayBlockingQueue` (1,024, blocking when full) whose"
                        + " task decodes it with `CloudEventCodec` and runs the handler. %d rounds.\n\n",
                memory.events(), InMemoryBench.CONCURRENCY, memory.rounds()));
        s.append("| contender | events/s, median (range) | ratio to the baseline | rounds |\n|---|---|---|---|\n");
        double base = Stats.median(memory.baseline);
        s.append("| ").append(InMemoryBench.SLUICE).append(" | ").append(Stats.medianAndRange(memory.sluice, "%,.0f")).append(" | ")
                .append(Stats.ratio(Stats.median(memory.sluice), base)).append(" | ").append(Stats.all(memory.sluice, "%,.0f")).append(" |\n");
        s.append("| ").append(InMemoryBench.BASELINE).append(" | ").append(Stats.medianAndRange(memory.baseline, "%,.0f"))
                .append(" | 1.00× | ").append(Stats.all(memory.baseline, "%,.0f")).append(" |\n\n");
        s.append("CPU per event (this JVM's process CPU time over the round, divided by the events), medians: Sluice ")
                .append(Stats.fmt("%.1f", Stats.median(memory.sluiceCpu))).append(" µs, baseline ")
                .append(Stats.fmt("%.1f", Stats.median(memory.baselineCpu))).append(" µs (")
                .append(Stats.ratio(Stats.median(memory.sluiceCpu), Stats.median(memory.baselineCpu)))
                .append("). With every core busy, throughput follows CPU per event.\n\n");
        return s.toString();
    }

    private String jmhSection() {
        StringBuilder s = new StringBuilder("## 5. JMH: codec per event\n\n");
        s.append("JMH ").append(version("jmh-core")).append(", ").append(jmh.settings)
                .append(". The order event (6 attributes, 70-byte JSON data). Sluice's codec writes binary mode (attributes +")
                .append(" body); the CloudEvents SDK's `JsonFormat` writes structured JSON. Score ± 99.9 % error.\n\n");
        s.append("| benchmark | ns/op |\n|---|---|\n");
        jmh.scores.forEach((k, v) -> s.append("| ").append(k).append(" | ")
                .append(String.format(Locale.ROOT, "%,.0f ± %,.0f", v[0], v[1])).append(" |\n"));
        double[] se = jmh.scores.get("sluiceEncode");
        double[] sd = jmh.scores.get("sluiceDecode");
        double[] je = jmh.scores.get("sdkJsonSerialize");
        double[] jd = jmh.scores.get("sdkJsonDeserialize");
        if (se != null && je != null && sd != null && jd != null) {
            s.append("\nRatios (time, Sluice / SDK JSON): encode ").append(Stats.ratio(se[0], je[0])).append(", decode ")
                    .append(Stats.ratio(sd[0], jd[0])).append(".\n");
        }
        s.append("\n");
        return s.toString();
    }

    // ---- versions ---------------------------------------------------------------------------------

    private String versions() {
        StringBuilder s = new StringBuilder();
        s.append("- Sluice ").append(version("sluice-api")).append(", built from this working tree (git ")
                .append(System.getProperty("bench.git", "?")).append(")\n");
        s.append("- AWS SDK for Java v2 ").append(version("sqs")).append(" (Netty client), Spring Cloud AWS SQS ")
                .append(version("spring-cloud-aws-sqs")).append(" on Spring Framework ").append(version("spring-context")).append("\n");
        s.append("- ElasticMQ server ").append(version("elasticmq-server_2.13")).append("\n");
        s.append("- google-cloud-pubsub ").append(version("google-cloud-pubsub")).append(", gRPC ").append(version("grpc-api")).append("\n");
        s.append("- CloudEvents SDK ").append(version("cloudevents-core")).append(", Jackson ").append(version("jackson-databind"))
                .append(", JMH ").append(version("jmh-core")).append("\n");
        s.append("- Lambda: Runtime Interface Client ").append(version("aws-lambda-java-runtime-interface-client"))
                .append(", aws-lambda-java-core ").append(version("aws-lambda-java-core"))
                .append(", aws-lambda-java-events ").append(version("aws-lambda-java-events"))
                .append(", Guice ").append(version("guice"))
                .append(", Spring Cloud Function ").append(version("spring-cloud-function-adapter-aws"))
                .append(" on Spring Boot ").append(version("spring-boot"))
                .append(" and Spring Framework ").append(version("spring-core")).append("\n");
        return s.toString();
    }

    private static final Pattern JAR = Pattern.compile("([^/:]+)-(\\d[^/:]*)\\.jar");

    private static String allClassPaths() {
        StringBuilder cp = new StringBuilder(System.getProperty("java.class.path"));
        Path root = Path.of(System.getProperty("bench.root", ".")).toAbsolutePath();
        for (String f : List.of("elasticmq-server/target/classpath.txt", "lambda-ric/target/classpath.txt",
                "lambda-sluice/target/classpath.txt", "lambda-plain/target/classpath.txt", "lambda-spring/target/classpath.txt")) {
            try {
                cp.append(':').append(Files.readString(root.resolve(f)).trim());
            } catch (IOException ignored) {
                // not built
            }
        }
        return cp.toString();
    }

    static String version(String artifact) {
        for (String entry : allClassPaths().split(":")) {
            String file = entry.substring(entry.lastIndexOf('/') + 1);
            Matcher m = JAR.matcher(file);
            if (m.matches() && m.group(1).equals(artifact)) return m.group(2);
        }
        return "?";
    }

    static String jarVersion(String jar, String group, String artifact) {
        Path root = Path.of(System.getProperty("bench.root", ".")).toAbsolutePath();
        try (ZipFile z = new ZipFile(root.resolve(jar).toFile())) {
            var e = z.getEntry("META-INF/maven/" + group + "/" + artifact + "/pom.properties");
            if (e == null) return "?";
            Properties p = new Properties();
            try (InputStream in = z.getInputStream(e)) {
                p.load(in);
            }
            return p.getProperty("version", "?");
        } catch (IOException e) {
            return "?";
        }
    }
}
