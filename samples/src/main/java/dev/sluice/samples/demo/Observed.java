package dev.sluice.samples.demo;

import dev.sluice.core.Sluice;
import dev.sluice.micrometer.SluiceMetrics;
import dev.sluice.opentelemetry.SluiceTracing;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * What the demo observes, as an application would wire it: {@link SluiceMetrics} on a Micrometer
 * {@link SimpleMeterRegistry} and {@link SluiceTracing} on an OpenTelemetry SDK whose spans go to a {@link SpanTree}
 * (in production: a Prometheus registry and an OTLP exporter). Every sample's {@code Sluice} is built through
 * {@link #register}.
 */
final class Observed {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final SpanTree spans = new SpanTree();
    private final SdkTracerProvider tracerProvider = SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(spans)).build();
    // event types are left out of the tags: the table is per queue, and a timer's percentiles do not add up
    private final SluiceMetrics metrics = SluiceMetrics.builder(registry).eventTypeTag(false).percentiles(0.5, 0.99).build();
    private final SluiceTracing tracing = SluiceTracing.create(new OpenTelemetry() {
        @Override
        public io.opentelemetry.api.trace.TracerProvider getTracerProvider() {
            return tracerProvider;
        }

        @Override
        public ContextPropagators getPropagators() {
            return ContextPropagators.create(W3CTraceContextPropagator.getInstance());
        }
    });

    Sluice.Builder register(Sluice.Builder builder) {
        return tracing.register(builder.listener(metrics));
    }

    SpanTree spans() {
        return spans;
    }

    /** Per queue: deliveries settled by outcome, and the p50/p99 handler time of those handled successfully. */
    String metricsTable() {
        Map<String, long[]> handled = new TreeMap<>();
        for (Counter c : registry.find(SluiceMetrics.HANDLED).counters()) {
            long[] row = handled.computeIfAbsent(c.getId().getTag("messaging.destination.name"), k -> new long[3]);
            switch (c.getId().getTag("sluice.outcome")) {
                case "ack" -> row[0] += (long) c.count();
                case "retry" -> row[1] += (long) c.count();
                default -> row[2] += (long) c.count();
            }
        }
        String format = "%-14s  %7s  %7s  %11s  %9s  %9s%n";
        StringBuilder s = new StringBuilder(String.format(format, "queue", "ack", "retry", "dead_letter", "p50", "p99"));
        s.append("-".repeat(66)).append('\n');
        handled.forEach((queue, row) -> {
            Timer t = registry.find(SluiceMetrics.PROCESS_DURATION)
                    .tags("messaging.destination.name", queue, "sluice.outcome", "ack").timer();
            String p50 = "";
            String p99 = "";
            if (t != null) {
                for (ValueAtPercentile v : t.takeSnapshot().percentileValues()) {
                    String ms = duration(v.value(TimeUnit.MILLISECONDS));
                    if (v.percentile() == 0.5) p50 = ms;
                    if (v.percentile() == 0.99) p99 = ms;
                }
            }
            s.append(String.format(format, queue, String.format("%,d", row[0]), String.format("%,d", row[1]),
                    String.format("%,d", row[2]), p50, p99));
        });
        return s.toString();
    }

    /** {@code 0.4 ms}, {@code 183 ms}, {@code 3.1 s}. */
    static String duration(double millis) {
        if (millis >= 1000) return String.format("%.1f s", millis / 1000);
        return millis >= 10 ? String.format("%.0f ms", millis) : String.format("%.1f ms", millis);
    }

    void close() {
        tracerProvider.close();
        registry.close();
    }
}
