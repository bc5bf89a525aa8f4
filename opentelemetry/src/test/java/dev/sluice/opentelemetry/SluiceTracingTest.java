package dev.sluice.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.QueueSpec;
import dev.sluice.RetryPolicy;
import dev.sluice.core.Sluice;
import dev.sluice.testkit.Await;
import dev.sluice.worker.Worker;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The trace shape on mem://, read from the SDK's in-memory exporter. */
class SluiceTracingTest {
    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance())).build();
    private final SluiceTracing tracing = SluiceTracing.create(otel);
    private final Sluice sluice = tracing.register(Sluice.builder()).build();

    @AfterEach
    void close() {
        sluice.close();
        otel.close();
    }

    private SpanData span(String name) {
        List<SpanData> named = spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).toList();
        assertThat(named).as(name).hasSize(1);
        return named.get(0);
    }

    private static CloudEvent event(String id, String type) {
        return CloudEventBuilder.v1().withId(id).withSource(URI.create("/test")).withType(type).build();
    }

    @Test
    void aChainOfThreeQueuesIsOneTraceEachHopCreatedThenProcessed() throws Exception {
        List<String> notified = new CopyOnWriteArrayList<>();
        try (Worker upload = sluice.worker("mem://upload")
                     .on("upload", (e, d) -> d.emit(sluice.publisher("mem://transcode"), event("t-1", "transcode"), null))
                     .start();
             Worker transcode = sluice.worker("mem://transcode")
                     .on("transcode", (e, d) -> d.emit(sluice.publisher("mem://thumbnail"), event("n-1", "thumbnail"), null))
                     .start();
             Worker thumbnail = sluice.worker("mem://thumbnail")
                     .on("thumbnail", (e, d) -> notified.add(Span.current().getSpanContext().getTraceId()))
                     .start()) {
            sluice.publisher("mem://upload").publish(event("u-1", "upload")).get();
            Await.until("the last hop handled", () -> notified.size() == 1);
            Await.until("six spans ended", () -> spans.getFinishedSpanItems().size() == 6);
        }
        SpanData create1 = span("create upload");
        SpanData process1 = span("process upload");
        SpanData create2 = span("create transcode");
        SpanData process2 = span("process transcode");
        SpanData create3 = span("create thumbnail");
        SpanData process3 = span("process thumbnail");

        assertThat(spans.getFinishedSpanItems()).extracting(SpanData::getTraceId).containsOnly(create1.getTraceId());
        assertThat(notified).containsExactly(create1.getTraceId());
        assertThat(create1.getParentSpanContext().isValid()).as("published outside any trace: a root").isFalse();
        assertThat(process1.getParentSpanId()).isEqualTo(create1.getSpanId());
        assertThat(create2.getParentSpanId()).isEqualTo(process1.getSpanId());
        assertThat(process2.getParentSpanId()).isEqualTo(create2.getSpanId());
        assertThat(create3.getParentSpanId()).isEqualTo(process2.getSpanId());
        assertThat(process3.getParentSpanId()).isEqualTo(create3.getSpanId());
        for (SpanData[] hop : new SpanData[][] {{create1, process1}, {create2, process2}, {create3, process3}}) {
            assertThat(hop[0].getKind()).isEqualTo(SpanKind.PRODUCER);
            assertThat(hop[1].getKind()).isEqualTo(SpanKind.CONSUMER);
            assertThat(hop[1].getLinks()).singleElement()
                    .satisfies(l -> assertThat(l.getSpanContext().getSpanId()).isEqualTo(hop[0].getSpanId()));
        }
        assertThat(process2.getAttributes().asMap()).containsEntry(SluiceTracing.SYSTEM, "mem")
                .containsEntry(SluiceTracing.DESTINATION, "transcode").containsEntry(SluiceTracing.OPERATION_NAME, "process")
                .containsEntry(SluiceTracing.EVENT_ID, "t-1").containsEntry(SluiceTracing.EVENT_TYPE, "transcode")
                .containsEntry(SluiceTracing.ATTEMPT, 1L).containsEntry(SluiceTracing.OUTCOME, "ack")
                .containsKey(SluiceTracing.MESSAGE_ID);
        assertThat(create2.getAttributes().asMap()).containsEntry(SluiceTracing.OPERATION_TYPE, "create")
                .containsEntry(SluiceTracing.EVENT_ID, "t-1");
    }

    @Test
    void aPublishInsideTheCallersSpanJoinsItsTraceAndTheContextTravelsInTheEvent() throws Exception {
        List<CloudEvent> received = new CopyOnWriteArrayList<>();
        Span root = otel.getTracer("test").spanBuilder("request").startSpan();
        try (Worker worker = sluice.worker("mem://orders").on("order", (e, d) -> received.add(e)).start()) {
            try (Scope s = root.makeCurrent()) {
                sluice.publisher("mem://orders").publish(event("o-1", "order")).get();
            } finally {
                root.end();
            }
            Await.until("handled", () -> received.size() == 1);
            Await.until("spans ended", () -> spans.getFinishedSpanItems().size() == 3);
        }
        SpanData create = span("create orders");
        assertThat(create.getParentSpanId()).isEqualTo(root.getSpanContext().getSpanId());
        assertThat(span("process orders").getTraceId()).isEqualTo(root.getSpanContext().getTraceId());
        assertThat(received.get(0).getExtension("traceparent")).asString() // flags: sampled (and random ids, W3C level 2)
                .startsWith("00-" + create.getTraceId() + "-" + create.getSpanId() + "-");
        assertThat(received.get(0).getExtension("tracestate")).as("no empty tracestate is carried").isNull();
    }

    @Test
    void theCallersTraceStateTravelsInTheEventExactlyAsTheW3cPropagatorWritesIt() throws Exception {
        List<CloudEvent> received = new CopyOnWriteArrayList<>();
        TraceState state = TraceState.builder().put("vendor", "abc").put("other", "1").build();
        SpanContext caller = SpanContext.create("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331",
                TraceFlags.getSampled(), state);
        try (Worker worker = sluice.worker("mem://stateful").on("order", (e, d) -> received.add(e)).start()) {
            try (Scope s = Span.wrap(caller).makeCurrent()) {
                sluice.publisher("mem://stateful").publish(event("s-1", "order")).get();
            }
            Await.until("handled", () -> received.size() == 1);
            Await.until("spans ended", () -> spans.getFinishedSpanItems().size() == 2);
        }
        SpanData create = span("create stateful");
        Map<String, String> w3c = new HashMap<>();
        W3CTraceContextPropagator.getInstance().inject(Context.root().with(Span.wrap(create.getSpanContext())), w3c, Map::put);
        assertThat(received.get(0).getExtension("traceparent")).isEqualTo(w3c.get("traceparent"));
        assertThat(received.get(0).getExtension("tracestate")).isEqualTo(w3c.get("tracestate")).isEqualTo("other=1,vendor=abc"); // the latest entry leftmost, as W3C orders them
        SpanData process = span("process stateful");
        assertThat(process.getParentSpanId()).isEqualTo(create.getSpanId());
        assertThat(process.getSpanContext().getTraceState().asMap()).isEqualTo(state.asMap());
    }

    @Test
    void aRetriedDeliveryIsAnErrorSpanAndItsRetryStaysInTheSameTrace() throws Exception {
        QueueSpec spec = QueueSpec.builder("mem://flaky").retryPolicy(RetryPolicy.immediate()).build();
        AtomicInteger runs = new AtomicInteger();
        try (Worker worker = sluice.worker(spec).on("job", (e, d) -> {
            if (runs.incrementAndGet() == 1) throw new IllegalStateException("first attempt fails");
        }).start()) {
            sluice.publisher(spec.uri()).publish(event("j-1", "job")).get();
            Await.until("three spans ended", () -> spans.getFinishedSpanItems().size() == 3);
        }
        SpanData create = span("create flaky");
        List<SpanData> processed = spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals("process flaky")).toList();
        assertThat(processed).hasSize(2).allSatisfy(p -> {
            assertThat(p.getTraceId()).isEqualTo(create.getTraceId());
            assertThat(p.getParentSpanId()).isEqualTo(create.getSpanId());
        });
        SpanData failed = processed.stream().filter(p -> p.getAttributes().get(SluiceTracing.ATTEMPT) == 1L).findFirst().orElseThrow();
        assertThat(failed.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(failed.getAttributes().get(SluiceTracing.OUTCOME)).isEqualTo("retry");
        assertThat(failed.getAttributes().get(SluiceTracing.ERROR_TYPE)).isEqualTo(IllegalStateException.class.getName());
        assertThat(failed.getEvents()).extracting(e -> e.getName()).contains("exception");
        SpanData second = processed.stream().filter(p -> p.getAttributes().get(SluiceTracing.ATTEMPT) == 2L).findFirst().orElseThrow();
        assertThat(second.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    }

    @Test
    void withoutOpenTelemetryConfiguredNothingIsAddedToTheEvent() throws Exception {
        SluiceTracing noop = SluiceTracing.create(io.opentelemetry.api.OpenTelemetry.noop());
        CloudEvent e = event("x", "t");
        assertThat(noop.decorate(e, URI.create("mem://q"))).isSameAs(e);
    }
}
