package dev.sluice.runtime.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.Sluice;
import dev.sluice.opentelemetry.SluiceTracing;
import dev.sluice.runtime.inject.SluiceRuntime;
import dev.sluice.runtime.testapp.SqsEvents;
import dev.sluice.runtime.testapp.TestConfigs;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** On Lambda, a record's SQS AWSTraceHeader (set by AWS for an X-Ray-traced producer) parents its process span. */
class SqsLambdaTracingTest {
    private static final String XRAY = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";
    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance())).build();
    private SluiceRuntime runtime;

    @AfterEach
    void close() {
        if (runtime != null) runtime.close();
        otel.close();
    }

    private List<SpanData> process(String event) throws Exception {
        runtime = SluiceRuntime.start(TestConfigs.config(TestConfigs.env("mem://orders")),
                SluiceTracing.create(otel).register(Sluice.builder()), List.of());
        assertThat(SqsLambdaHandlerTest.failures(new SqsLambdaHandler(runtime), event)).isEmpty();
        return spans.getFinishedSpanItems().stream().filter(s -> s.getKind() == SpanKind.CONSUMER).toList();
    }

    @Test
    void aRecordWithAnXRayHeaderAndNoTraceparentIsProcessedInThatTrace() throws Exception {
        List<SpanData> consumed = process(SqsEvents.from("orders").event("m1", "greet", "{\"name\":\"ada\"}")
                .systemAttribute("AWSTraceHeader", XRAY).json());

        assertThat(consumed).hasSize(1);
        SpanData span = consumed.get(0);
        assertThat(span.getName()).isEqualTo("process orders");
        assertThat(span.getTraceId()).isEqualTo("5759e988bd862e3fe1be46a994272793");
        assertThat(span.getParentSpanId()).isEqualTo("53995c3f42cd8ad8");
        assertThat(span.getParentSpanContext().isRemote()).isTrue();
        assertThat(span.getLinks()).singleElement()
                .satisfies(l -> assertThat(l.getSpanContext().getSpanId()).isEqualTo("53995c3f42cd8ad8"));
    }

    @Test
    void theEventsTraceparentWinsOverTheXRayHeader() throws Exception {
        String traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        List<SpanData> consumed = process(SqsEvents.from("orders")
                .raw("m2", "{\"name\":\"ada\"}", Map.of("ce-specversion", "1.0", "ce-id", "m2", "ce-source", "/tests",
                        "ce-type", "greet", "content-type", "application/json", "ce-traceparent", traceparent), 1, null)
                .systemAttribute("AWSTraceHeader", XRAY).json());

        assertThat(consumed).singleElement().satisfies(s -> {
            assertThat(s.getTraceId()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
            assertThat(s.getParentSpanId()).isEqualTo("b7ad6b7169203331");
        });
    }

    @Test
    void aRecordWithNeitherStartsATraceOfItsOwn() throws Exception {
        List<SpanData> consumed = process(SqsEvents.from("orders").event("m3", "greet", "{\"name\":\"ada\"}").json());

        assertThat(consumed).singleElement().satisfies(s -> {
            assertThat(s.getParentSpanContext().isValid()).isFalse();
            assertThat(s.getLinks()).isEmpty();
        });
    }
}
