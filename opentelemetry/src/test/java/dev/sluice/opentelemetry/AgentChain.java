package dev.sluice.opentelemetry;

import dev.sluice.core.Sluice;
import dev.sluice.sqs.SqsDriverProvider;
import dev.sluice.worker.Worker;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The child JVM of {@link OpenTelemetryAgentTest}, run under the OpenTelemetry Java agent: a worker chain on SQS
 * (ElasticMQ at {@code 127.0.0.1:<args[0]>}) traced with the agent's {@link GlobalOpenTelemetry}. Within a span
 * {@code request}, publishes {@code upload}; its handler emits {@code transcode}, whose handler emits {@code notify}.
 * Prints the notify message's SQS attributes, then {@code CHAIN HANDLED <traceparent of notify>}, and exits; the agent exports its spans on the way out.
 */
public final class AgentChain {
    private AgentChain() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> env = Map.of("AWS_ENDPOINT_URL_SQS", "http://127.0.0.1:" + args[0], "AWS_REGION", "us-east-1");
        SluiceTracing tracing = SluiceTracing.create(GlobalOpenTelemetry.get());
        CountDownLatch notified = new CountDownLatch(1);
        String[] last = new String[1];
        try (Sluice sluice = tracing.register(Sluice.builder()).environment(env::get)
                .driver(new SqsDriverProvider(b -> b.credentialsProvider(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"))))).build();
             Worker upload = sluice.worker("sqs://agent-upload")
                     .on("upload", (e, d) -> d.emit(sluice.publisher("sqs://agent-transcode"), event("t-1", "transcode"), null))
                     .start();
             Worker transcode = sluice.worker("sqs://agent-transcode")
                     .on("transcode", (e, d) -> d.emit(sluice.publisher("sqs://agent-notify"), event("n-1", "notify"), null))
                     .start();
             Worker notify = sluice.worker("sqs://agent-notify").on("notify", (e, d) -> {
                 last[0] = String.valueOf(e.getExtension("traceparent"));
                 Message m = d.unwrap(Message.class).orElseThrow();
                 System.out.println("NOTIFY ATTRIBUTES " + new java.util.TreeSet<>(m.messageAttributes().keySet()));
                 System.out.println("NOTIFY AWSTraceHeader " + m.attributesAsStrings().get("AWSTraceHeader"));
                 notified.countDown();
             }).start()) {
            Span request = GlobalOpenTelemetry.getTracer("agent-chain").spanBuilder("request").startSpan();
            try (Scope ignored = request.makeCurrent()) {
                sluice.publisher("sqs://agent-upload").publish(event("u-1", "upload")).get();
            } finally {
                request.end();
            }
            if (!notified.await(40, TimeUnit.SECONDS)) {
                System.out.println("CHAIN NOT HANDLED");
                System.exit(2);
            }
            System.out.println("CHAIN HANDLED " + last[0]);
        }
    }

    private static CloudEvent event(String id, String type) {
        return CloudEventBuilder.v1().withId(id).withSource(URI.create("/agent-test")).withType(type).build();
    }
}
