package dev.sluice.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.Sluice;
import dev.sluice.sqs.SqsDriverProvider;
import dev.sluice.testkit.Await;
import dev.sluice.testkit.LoopbackPorts;
import dev.sluice.testkit.pubsub.PubSubTestServer;
import dev.sluice.worker.Worker;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.elasticmq.NodeAddress;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The trace context crosses brokers on the wire: SQS (ElasticMQ) → mem:// → Pub/Sub (the test server, through the real
 * Google client) → SQS is one trace, the context read back from SQS message attributes (within SQS's ten) and from
 * Pub/Sub message attributes.
 */
class CrossBrokerTracingTest {
    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance())).build();
    private final int port = LoopbackPorts.free();
    private final SQSRestServer sqs = SQSRestServerBuilder.withInterface("127.0.0.1").withPort(port)
            .withServerAddress(new NodeAddress("http", "127.0.0.1", port, "")).start();
    private final PubSubTestServer pubsub = PubSubTestServer.start();
    private final Sluice sluice;

    CrossBrokerTracingTest() {
        sqs.waitUntilStarted();
        Map<String, String> env = Map.of("AWS_ENDPOINT_URL_SQS", "http://127.0.0.1:" + port, "AWS_REGION", "us-east-1",
                "PUBSUB_EMULATOR_HOST", pubsub.endpoint());
        sluice = SluiceTracing.create(otel).register(Sluice.builder()).environment(env::get)
                .driver(new SqsDriverProvider(b -> b.credentialsProvider(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"))))).build();
    }

    @AfterEach
    void close() {
        sluice.close();
        otel.close();
        sqs.stopAndGetFuture();
        pubsub.close();
    }


    private static CloudEvent event(String id, String type) {
        return CloudEventBuilder.v1().withId(id).withSource(URI.create("/test")).withType(type).build();
    }

    @Test
    void sqsThenMemoryThenPubSubThenSqsIsOneTrace() throws Exception {
        String render = "pubsub://projects/trace/topics/trace-render?subscription=trace-render-worker";
        List<CloudEvent> last = new CopyOnWriteArrayList<>();
        try (Worker upload = sluice.worker("sqs://trace-upload")
                     .on("upload", (e, d) -> d.emit(sluice.publisher("mem://trace-transcode"), event("t-1", "transcode"), null))
                     .start();
             Worker transcode = sluice.worker("mem://trace-transcode")
                     .on("transcode", (e, d) -> d.emit(sluice.publisher(render), event("r-1", "render"), null))
                     .start();
             Worker rendering = sluice.worker(render)
                     .on("render", (e, d) -> d.emit(sluice.publisher("sqs://trace-notify"), event("n-1", "notify"), null))
                     .start();
             Worker notify = sluice.worker("sqs://trace-notify").on("notify", (e, d) -> last.add(e)).start()) {
            sluice.publisher("sqs://trace-upload").publish(event("u-1", "upload")).get();
            Await.until("the last hop handled", () -> last.size() == 1);
            Await.until("eight spans ended", () -> spans.getFinishedSpanItems().size() == 8);
        }
        List<SpanData> all = spans.getFinishedSpanItems();
        assertThat(all).extracting(SpanData::getTraceId).containsOnly(all.get(0).getTraceId());
        SpanData processTranscode = span(all, "process trace-transcode");
        SpanData createRender = span(all, "create projects/trace/topics/trace-render");
        SpanData processRender = span(all, "process projects/trace/topics/trace-render");
        SpanData createNotify = span(all, "create trace-notify");
        SpanData processNotify = span(all, "process trace-notify");
        assertThat(span(all, "process trace-upload").getAttributes().get(SluiceTracing.SYSTEM)).isEqualTo("aws_sqs");
        assertThat(processTranscode.getAttributes().get(SluiceTracing.SYSTEM)).isEqualTo("mem");
        assertThat(processRender.getAttributes().get(SluiceTracing.SYSTEM)).isEqualTo("gcp_pubsub");
        assertThat(createRender.getParentSpanId()).isEqualTo(processTranscode.getSpanId());
        assertThat(processRender.getParentSpanId()).as("the context read back from Pub/Sub").isEqualTo(createRender.getSpanId());
        assertThat(createNotify.getParentSpanId()).isEqualTo(processRender.getSpanId());
        assertThat(processNotify.getParentSpanId()).isEqualTo(createNotify.getSpanId());
        assertThat(processNotify.getKind()).isEqualTo(SpanKind.CONSUMER);
        assertThat(last.get(0).getExtension("traceparent")).asString().contains(createNotify.getSpanId());
    }

    private static SpanData span(List<SpanData> all, String name) {
        return all.stream().filter(s -> s.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no span '" + name + "' among " + all.stream().map(SpanData::getName).toList()));
    }
}
