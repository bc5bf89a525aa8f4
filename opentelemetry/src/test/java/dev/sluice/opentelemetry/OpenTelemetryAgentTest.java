package dev.sluice.opentelemetry;

import dev.sluice.testkit.LoopbackPorts;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.elasticmq.NodeAddress;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Sluice's tracing beside the real OpenTelemetry Java agent (the jar from Maven Central, copied to
 * {@code target/agent} by the build), which instruments the AWS SDK itself: a child JVM under
 * {@code -javaagent:} runs {@link AgentChain} (upload → transcode → notify over SQS on ElasticMQ) with the agent's
 * SDK, exporting spans as OTLP JSON lines ({@code otel.traces.exporter=logging-otlp}) that this test reads back.
 */
class OpenTelemetryAgentTest {
    static final Path AGENT = Path.of("target", "agent", "opentelemetry-javaagent.jar");
    private static final ObjectMapper JSON = new ObjectMapper();
    private final int port = LoopbackPorts.free();
    private final SQSRestServer sqs = SQSRestServerBuilder.withInterface("127.0.0.1").withPort(port)
            .withServerAddress(new NodeAddress("http", "127.0.0.1", port, "")).start();

    /** One exported span. */
    record Exported(String scope, String name, int kind, String traceId, String spanId, String parentSpanId,
                    List<String> linkedSpanIds) {
    }

    @AfterEach
    void close() {
        sqs.stopAndGetFuture();
    }


    private static String testClassPath() {
        String cp = System.getProperty("surefire.test.class.path");
        return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
    }

    /** Runs {@link AgentChain} under the agent; returns its output (the agent's export lines included). */
    private String runChain() throws Exception {
        assertThat(AGENT).as("the agent jar (copied at process-test-resources)").exists();
        sqs.waitUntilStarted();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = List.of(java, "-javaagent:" + AGENT.toAbsolutePath(), "-XX:TieredStopAtLevel=1",
                "-Dotel.service.name=sluice-agent-test", "-Dotel.traces.exporter=logging-otlp",
                "-Dotel.metrics.exporter=none", "-Dotel.logs.exporter=none", "-Dotel.bsp.schedule.delay=200",
                "-cp", testClassPath(), AgentChain.class.getName(), String.valueOf(port));
        Path log = Path.of("target", "agent-chain.log"); // kept for reading when the test fails
        {
            Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!child.waitFor(90, TimeUnit.SECONDS)) {
                child.destroyForcibly().waitFor();
                throw new AssertionError("the chain under the agent did not finish in 90 s:\n" + Files.readString(log));
            }
            String out = Files.readString(log);
            assertThat(child.exitValue()).as(out).isZero();
            return out;
        }
    }

    /** The spans of every export line (the agent's logging-otlp exporter writes one OTLP JSON ResourceSpans a line). */
    static List<Exported> spans(String output) throws IOException {
        List<Exported> spans = new ArrayList<>();
        for (String line : output.split("\n")) {
            int start = line.indexOf("{\"resource\"");
            if (start < 0 || !line.contains("OtlpJsonLoggingSpanExporter")) continue;
            JsonNode resource = JSON.readTree(line.substring(start)); // one ResourceSpans per line
            {
                for (JsonNode scope : resource.path("scopeSpans")) {
                    String scopeName = scope.path("scope").path("name").asText();
                    for (JsonNode s : scope.path("spans")) {
                        List<String> links = new ArrayList<>();
                        s.path("links").forEach(l -> links.add(l.path("spanId").asText()));
                        spans.add(new Exported(scopeName, s.path("name").asText(), s.path("kind").asInt(),
                                s.path("traceId").asText(), s.path("spanId").asText(), s.path("parentSpanId").asText(""),
                                links));
                    }
                }
            }
        }
        return spans;
    }

    @Test
    void sluiceSpansAreOneTraceNotDoubledBesideTheAgentsSqsInstrumentation() throws Exception {
        String out = runChain();
        List<Exported> spans = spans(out);
        Exported request = one(spans, "agent-chain", "request");
        List<Exported> trace = spans.stream().filter(s -> s.traceId().equals(request.traceId())).toList();

        // Sluice's spans: one create and one process per message, none doubled, chained producer to follow-up
        List<Exported> sluice = spans.stream().filter(s -> s.scope().equals(SluiceTracing.SCOPE)).toList();
        assertThat(sluice).extracting(Exported::name).containsExactlyInAnyOrder("create agent-upload",
                "process agent-upload", "create agent-transcode", "process agent-transcode", "create agent-notify",
                "process agent-notify");
        assertThat(sluice).extracting(Exported::traceId).containsOnly(request.traceId());
        String parent = request.spanId();
        for (String hop : List.of("create agent-upload", "process agent-upload", "create agent-transcode",
                "process agent-transcode", "create agent-notify", "process agent-notify")) {
            Exported span = one(sluice, SluiceTracing.SCOPE, hop);
            assertThat(span.parentSpanId()).as(hop + "'s parent").isEqualTo(parent);
            parent = span.spanId();
        }
        assertThat(out).contains("CHAIN HANDLED 00-" + request.traceId() + "-" + one(sluice, SluiceTracing.SCOPE,
                "create agent-notify").spanId());

        // the agent did instrument the SDK: its SQS publish and process spans are in the same trace, not a trace of
        // their own, and every span of the trace has its parent in it (no broken link)
        List<Exported> agentSqs = trace.stream().filter(s -> s.scope().startsWith("io.opentelemetry.aws-sdk")).toList();
        assertThat(agentSqs).extracting(Exported::name).contains("agent-upload publish", "agent-transcode publish",
                "agent-notify publish");
        assertThat(agentSqs).filteredOn(s -> s.kind() == CONSUMER).isNotEmpty();
        List<String> ids = trace.stream().map(Exported::spanId).toList();
        assertThat(trace).filteredOn(s -> s != request).allSatisfy(s ->
                assertThat(ids).as("the parent of " + s.name()).contains(s.parentSpanId()));

        // the agent carries its context in SQS's AWSTraceHeader system attribute (the same trace, X-Ray's spelling),
        // not in message attributes, so Sluice's allowance of ten is untouched; the event's traceparent wins
        String xrayRoot = "Root=1-" + request.traceId().substring(0, 8) + "-" + request.traceId().substring(8);
        assertThat(out).contains("NOTIFY AWSTraceHeader " + xrayRoot + ";Parent=" + one(agentSqs,
                agentSqs.get(0).scope(), "agent-notify publish").spanId());
        assertThat(out.lines().filter(l -> l.startsWith("NOTIFY ATTRIBUTES"))).singleElement().asString()
                .doesNotContain("traceparent").doesNotContain("X-Amzn");
    }

    private static final int CONSUMER = 5; // OTLP's SPAN_KIND_CONSUMER

    private static Exported one(List<Exported> spans, String scope, String name) {
        List<Exported> named = spans.stream().filter(s -> s.scope().equals(scope) && s.name().equals(name)).toList();
        assertThat(named).as(scope + " " + name).hasSize(1);
        return named.get(0);
    }
}
