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
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Issue 12's overhead target on {@code mem://}: the worker with metrics (Prometheus registry, every meter, the depth
 * gauges) and tracing (the OpenTelemetry SDK, every span sampled, batched to an exporter that counts them) against the
 * same worker without, publish to handled, interleaved rounds, in one JVM. Run:
 * {@code java -cp "$(cat benchmarks/harness/target/classpath.txt):benchmarks/harness/target/classes"
 * dev.sluice.bench.ObservabilityOverhead [events] [rounds]}. Prints a Markdown table.
 */
public final class ObservabilityOverhead {
    private static final int CONCURRENCY = 4;
    /** {@code both} (default), {@code metrics} or {@code tracing}: what the observed contender turns on. */
    private static String mode = "both";

    private ObservabilityOverhead() {
    }

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 6;
        mode = args.length > 2 ? args[2] : "both";
        List<CloudEvent> all = new ArrayList<>(events);
        for (int i = 0; i < events; i++) all.add(BenchEvents.order(i));
        once(all.subList(0, Math.min(10_000, events)), false, 0);
        once(all.subList(0, Math.min(10_000, events)), true, 0);
        List<Double> plain = new ArrayList<>();
        List<Double> observed = new ArrayList<>();
        for (int r = 1; r <= rounds; r++) {
            if (r % 2 == 1) {
                plain.add(once(all, false, r));
                observed.add(once(all, true, r));
            } else {
                observed.add(once(all, true, r));
                plain.add(once(all, false, r));
            }
            Log.info("observability round %d: plain %,.0f/s, with metrics and tracing %,.0f/s", r, plain.get(r - 1),
                    observed.get(r - 1));
        }
        double p = median(plain);
        double o = median(observed);
        System.out.printf("| contender (mem://, %d events, concurrency %d, 0 ms handler, %d rounds) | median events/s | range |%n",
                events, CONCURRENCY, rounds);
        System.out.println("|---|---|---|");
        System.out.printf("| worker, no listener | %,.0f | %,.0f – %,.0f |%n", p, min(plain), max(plain));
        System.out.printf("| worker + %s | %,.0f | %,.0f – %,.0f |%n", switch (mode) {
                    case "metrics" -> "SluiceMetrics (Prometheus registry, depth gauges)";
                    case "tracing" -> "SluiceTracing (OpenTelemetry SDK, every span sampled)";
                    default -> "SluiceMetrics (Prometheus) + SluiceTracing (SDK, every span sampled)";
                }, o, min(observed), max(observed));
        System.out.printf("%nratio with / without: %.2f×%n", o / p);
    }

    private static double once(List<CloudEvent> events, boolean observed, int round) throws Exception {
        Work work = new Work(events.size(), 0);
        AtomicLong exported = new AtomicLong();
        OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(BatchSpanProcessor.builder(counting(exported))
                        .build()).build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance())).build();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Sluice.Builder builder = Sluice.builder();
        if (observed && !mode.equals("tracing")) builder.listener(SluiceMetrics.of(registry));
        if (observed && !mode.equals("metrics")) SluiceTracing.create(otel).register(builder);
        try (Sluice s = builder.build()) {
            String uri = "mem://overhead-" + (observed ? "on-" : "off-") + round;
            QueueSpec spec = QueueSpec.builder(uri).concurrency(CONCURRENCY).build();
            if (observed && !mode.equals("tracing")) QueueDepthGauges.register(registry, s, spec);
            try (Worker w = s.worker(spec).on(BenchEvents.TYPE, (event, delivery) -> work.handle()).withoutLogging().start()) {
                Publisher publisher = s.publisher(uri);
                System.gc();
                long t0 = System.nanoTime();
                List<CompletableFuture<PublishResult>> sent = new ArrayList<>(events.size());
                for (CloudEvent e : events) sent.add(publisher.publish(e));
                if (!work.await(5, TimeUnit.MINUTES)) throw new IllegalStateException("handled only " + work.handled());
                double rate = events.size() * 1e9 / (work.lastNanos() - t0);
                CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get();
                if (observed && !mode.equals("tracing") && registry.scrape().isEmpty()) throw new IllegalStateException("no metrics");
                return rate;
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
