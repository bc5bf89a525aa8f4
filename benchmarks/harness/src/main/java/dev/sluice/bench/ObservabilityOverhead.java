package dev.sluice.bench;

import dev.sluice.PublishResult;
import dev.sluice.Publisher;
import dev.sluice.QueueSpec;
import dev.sluice.core.Sluice;
import dev.sluice.micrometer.QueueDepthGauges;
import dev.sluice.micrometer.SluiceMetrics;
import dev.sluice.opentelemetry.SluiceTracing;
import dev.sluice.worker.Worker;
import io.cloudevents.CloudEvent;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Issue 12's overhead target on {@code mem://} and on SQS (a standalone ElasticMQ in its own JVM): the worker with
 * metrics (Prometheus registry, every meter, the depth gauges) and tracing (the OpenTelemetry SDK, every span sampled,
 * batched to an exporter that counts them) against the same worker without, publish to handled, interleaved rounds,
 * in one JVM. Run: {@code java -cp "$(cat benchmarks/harness/target/classpath.txt):benchmarks/harness/target/classes"
 * dev.sluice.bench.ObservabilityOverhead [events] [rounds] [both|metrics|tracing] [mem|sqs] [handler ms]}. Prints a Markdown table:
 * throughput, and this JVM's CPU per event (less inflated than wall time when other processes share the cores).
 */
public final class ObservabilityOverhead {
    /** {@code mem}: the in-memory benchmark's 4; {@code sqs}: the SQS benchmark's 20. */
    private static int concurrency = 4;
    /** {@code both} (default), {@code metrics} or {@code tracing}: what the observed contender turns on. */
    private static String mode = "both";
    /** Whether the metrics publish client-side p50/p95/p99 too ({@code -Dbench.clientPercentiles=true}; default not, as SluiceMetrics). */
    private static final boolean clientPercentiles = "true".equals(System.getProperty("bench.clientPercentiles"));
    /** {@code mem} (default) or {@code sqs}. */
    private static String broker = "mem";
    /** How long the handler sleeps (default 0: the worst case, where the instrumentation is the largest share). */
    private static int handlerMillis;
    /** For {@code sqs}: the ElasticMQ endpoint's query ({@code ?region=us-east-1&endpoint=http://127.0.0.1:port}). */
    private static String sqsQuery = "";

    private ObservabilityOverhead() {
    }

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 6;
        mode = args.length > 2 ? args[2] : "both";
        broker = args.length > 3 ? args[3] : "mem";
        handlerMillis = args.length > 4 ? Integer.parseInt(args[4]) : 0;
        if (broker.equals("sqs")) {
            concurrency = SqsBench.CONCURRENCY;
            System.setProperty("aws.accessKeyId", "bench");
            System.setProperty("aws.secretAccessKey", "bench");
            System.setProperty("aws.region", "us-east-1");
            Path root = Path.of(System.getProperty("bench.root", "benchmarks")).toAbsolutePath();
            Path work = Files.createDirectories(root.resolve("harness/target/work"));
            try (ChildProcess mq = ElasticMq.start(root.resolve("elasticmq-server/target/classpath.txt"), work)) {
                sqsQuery = "?region=us-east-1&endpoint=http://127.0.0.1:" + mq.port;
                compare(events, rounds);
            }
        } else if (broker.equals("mem")) {
            compare(events, rounds);
        } else {
            throw new IllegalArgumentException("broker is mem or sqs, got " + broker);
        }
    }

    /** One timed round: publish-to-handled throughput, and this JVM's CPU per event (spans exported included). */
    private record Round(double rate, double cpuMicros) {
    }

    private static void compare(int events, int rounds) throws Exception {
        List<CloudEvent> all = new ArrayList<>(events);
        for (int i = 0; i < events; i++) all.add(BenchEvents.order(i));
        int warmUp = Math.min(broker.equals("sqs") ? 2_000 : 10_000, events);
        once(all.subList(0, warmUp), false, 0);
        once(all.subList(0, warmUp), true, 0);
        List<Round> plain = new ArrayList<>();
        List<Round> observed = new ArrayList<>();
        for (int r = 1; r <= rounds; r++) {
            if (r % 2 == 1) {
                plain.add(once(all, false, r));
                observed.add(once(all, true, r));
            } else {
                observed.add(once(all, true, r));
                plain.add(once(all, false, r));
            }
            Log.info("observability round %d: plain %,.0f/s %.1f µs CPU/event, observed %,.0f/s %.1f µs CPU/event", r,
                    plain.get(r - 1).rate(), plain.get(r - 1).cpuMicros(), observed.get(r - 1).rate(),
                    observed.get(r - 1).cpuMicros());
        }
        List<Double> plainRates = plain.stream().map(Round::rate).toList();
        List<Double> observedRates = observed.stream().map(Round::rate).toList();
        List<Double> plainCpu = plain.stream().map(Round::cpuMicros).toList();
        List<Double> observedCpu = observed.stream().map(Round::cpuMicros).toList();
        System.out.printf("| contender (%s, %d events, concurrency %d, %d ms handler, %d rounds) | median events/s | range"
                        + " | median CPU µs/event | range |%n",
                broker.equals("sqs") ? "SQS on ElasticMQ" : "mem://", events, concurrency, handlerMillis, rounds);
        System.out.println("|---|---|---|---|---|");
        System.out.printf("| worker, no listener | %,.0f | %,.0f – %,.0f | %.1f | %.1f – %.1f |%n", median(plainRates),
                min(plainRates), max(plainRates), median(plainCpu), min(plainCpu), max(plainCpu));
        System.out.printf("| worker + %s | %,.0f | %,.0f – %,.0f | %.1f | %.1f – %.1f |%n", switch (mode) {
                    case "metrics" -> "SluiceMetrics (Prometheus registry" + (clientPercentiles ? ", client-side percentiles" : "")
                            + ", depth gauges)";
                    case "tracing" -> "SluiceTracing (OpenTelemetry SDK, every span sampled)";
                    default -> "SluiceMetrics (Prometheus" + (clientPercentiles ? ", client-side percentiles" : "")
                            + ") + SluiceTracing (SDK, every span sampled)";
                }, median(observedRates), min(observedRates), max(observedRates), median(observedCpu), min(observedCpu),
                max(observedCpu));
        List<Double> paired = new ArrayList<>();
        for (int r = 0; r < rounds; r++) paired.add(observedRates.get(r) / plainRates.get(r));
        System.out.printf("%nthroughput with / without: %.2f× (medians); per round %s, median of the rounds' ratios %.2f×%n",
                median(observedRates) / median(plainRates), paired.stream().map(x -> String.format("%.2f", x)).toList(),
                median(paired));
        System.out.printf("CPU per event with / without: %.2f× (medians)%n", median(observedCpu) / median(plainCpu));
    }

    private static Round once(List<CloudEvent> events, boolean observed, int round) throws Exception {
        Work work = new Work(events.size(), handlerMillis);
        AtomicLong exported = new AtomicLong();
        OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(BatchSpanProcessor.builder(counting(exported))
                        .build()).build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance())).build();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Sluice.Builder builder = Sluice.builder();
        if (observed && !mode.equals("tracing")) {
            builder.listener(clientPercentiles ? SluiceMetrics.builder(registry).percentiles(0.5, 0.95, 0.99).build()
                    : SluiceMetrics.of(registry));
        }
        if (observed && !mode.equals("metrics")) SluiceTracing.create(otel).register(builder);
        try (Sluice s = builder.build()) {
            String uri = broker + "://overhead-" + (observed ? "on-" : "off-") + round + "-" + System.nanoTime() % 100_000
                    + sqsQuery;
            QueueSpec spec = QueueSpec.builder(uri).concurrency(concurrency).build();
            if (observed && !mode.equals("tracing")) QueueDepthGauges.register(registry, s, spec);
            try (Worker w = s.worker(spec).on(BenchEvents.TYPE, (event, delivery) -> work.handle()).withoutLogging().start()) {
                Publisher publisher = s.publisher(uri);
                System.gc();
                long cpu0 = Cpu.self();
                long t0 = System.nanoTime();
                List<CompletableFuture<PublishResult>> sent = new ArrayList<>(events.size());
                for (CloudEvent e : events) sent.add(publisher.publish(e));
                if (!work.await(5, TimeUnit.MINUTES)) throw new IllegalStateException("handled only " + work.handled());
                double rate = events.size() * 1e9 / (work.lastNanos() - t0);
                CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get();
                otel.getSdkTracerProvider().forceFlush().join(10, TimeUnit.SECONDS); // the exporter's share of the work
                double cpuMicros = (Cpu.self() - cpu0) / 1e3 / events.size();
                if (observed && !mode.equals("tracing") && registry.scrape().isEmpty()) throw new IllegalStateException("no metrics");
                return new Round(rate, cpuMicros);
            }
        } finally {
            otel.close();
            registry.close();
            if (observed && !mode.equals("metrics") && exported.get() == 0) throw new IllegalStateException("no spans exported");
        }
    }

    private static SpanExporter counting(AtomicLong exported) {
        return new SpanExporter() {
            @Override
            public CompletableResultCode export(Collection<SpanData> spans) {
                exported.addAndGet(spans.size());
                return CompletableResultCode.ofSuccess();
            }

            @Override
            public CompletableResultCode flush() {
                return CompletableResultCode.ofSuccess();
            }

            @Override
            public CompletableResultCode shutdown() {
                return CompletableResultCode.ofSuccess();
            }
        };
    }

    private static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        s.sort(null);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    private static double min(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).min().orElse(0);
    }

    private static double max(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    }
}
