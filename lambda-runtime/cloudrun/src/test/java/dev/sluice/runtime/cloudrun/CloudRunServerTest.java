package dev.sluice.runtime.cloudrun;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.DeadLetter;
import dev.sluice.runtime.inject.SluiceRuntime;
import dev.sluice.runtime.testapp.Recorder;
import dev.sluice.runtime.testapp.TestConfigs;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CloudRunServerTest {
    private static final Map<String, String> JSON = Map.of("Content-Type", "application/json");
    private SluiceRuntime runtime;
    private CloudRunServer server;
    private int port;

    @BeforeEach
    void start() {
        Map<String, String> env = TestConfigs.env("mem://orders");
        env.put("SLUICE_HTTP_MAX_BODY_BYTES", "4096");
        runtime = SluiceRuntime.start(TestConfigs.config(env));
        server = CloudRunServer.start(runtime, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), Clock.systemUTC());
        port = server.port();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private List<String> handled() {
        return runtime.injector().getInstance(Recorder.class).handled();
    }

    private List<DeadLetter> deadLetters() throws InterruptedException {
        return runtime.sluice().deadLetters(runtime.config().queues().get(0).spec()).peek(10);
    }

    @Test
    void wrappedPushIsHandledAndAcked() throws Exception {
        String body = Http.push(Http.pubsubMessage("p1", "e1", "greet", "{\"name\":\"ada\"}"), null);
        assertThat(Http.post(port, "/", JSON, body).statusCode()).isEqualTo(204);
        assertThat(handled()).containsExactly("greet:ada");
    }

    @Test
    void aFailureAsksForRedeliveryUntilTheLastAttemptDeadLettersIt() throws Exception {
        String message = Http.pubsubMessage("p2", "e2", "greet", "{\"name\":\"fail\"}");
        HttpResponse<String> first = Http.post(port, "/", JSON, Http.push(message, 1));
        assertThat(first.statusCode()).isEqualTo(503);
        assertThat(first.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(Http.post(port, "/", JSON, Http.push(message, 3)).statusCode()).isEqualTo(204);
        assertThat(deadLetters()).extracting(DeadLetter::messageId).hasSize(1);
    }

    @Test
    void aPermanentFailureIsDeadLetteredThenAcked() throws Exception {
        String body = Http.push(Http.pubsubMessage("p3", "e3", "greet", "{\"name\":\"poison\"}"), null);
        assertThat(Http.post(port, "/", JSON, body).statusCode()).isEqualTo(204);
        assertThat(deadLetters()).hasSize(1);
        assertThat(deadLetters().get(0).event().getId()).isEqualTo("e3");
    }

    @Test
    void aPushedMessageThatIsNotAValidCloudEventIsDeadLetteredNotRefused() throws Exception {
        String message = "{\"attributes\":{\"ce-specversion\":\"1.0\",\"ce-type\":\"greet\",\"ce-source\":\"/t\"},"
                + "\"data\":\"" + Http.b64("{}") + "\",\"messageId\":\"p11\"}";
        assertThat(Http.post(port, "/", JSON, Http.push(message, null)).statusCode()).isEqualTo(204);
        assertThat(deadLetters()).extracting(DeadLetter::messageId).hasSize(1);
        assertThat(handled()).isEmpty();
    }

    @Test
    void unwrappedPushCarriesTheAttributesAsHeaders() throws Exception {
        Map<String, String> headers = Map.of("Content-Type", "application/json",
                "x-goog-pubsub-message-id", "p4", "x-goog-pubsub-subscription-name", "projects/acme/subscriptions/orders-worker",
                "x-goog-pubsub-publish-time", "2026-01-01T00:00:00.123Z",
                "ce-specversion", "1.0", "ce-id", "e4", "ce-source", "/tests", "ce-type", "greet");
        assertThat(Http.post(port, "/", headers, "{\"name\":\"unwrapped\"}").statusCode()).isEqualTo(204);
        assertThat(handled()).containsExactly("greet:unwrapped");
    }

    @Test
    void cloudEventsInBinaryAndStructuredMode() throws Exception {
        Map<String, String> binary = Map.of("Content-Type", "application/json",
                "ce-specversion", "1.0", "ce-id", "e5", "ce-source", "/tests", "ce-type", "greet");
        assertThat(Http.post(port, "/", binary, "{\"name\":\"binary\"}").statusCode()).isEqualTo(204);
        String structured = "{\"specversion\":\"1.0\",\"id\":\"e6\",\"source\":\"/tests\",\"type\":\"greet\","
                + "\"datacontenttype\":\"application/json\",\"data\":{\"name\":\"structured\"}}";
        assertThat(Http.post(port, "/", Map.of("Content-Type", "application/cloudevents+json; charset=UTF-8"), structured)
                .statusCode()).isEqualTo(204);
        assertThat(handled()).containsExactly("greet:binary", "greet:structured");
    }

    @Test
    void eventarcMessagePublishedUnwrapsTheProducersEvent() throws Exception {
        String data = "{\"message\":" + Http.pubsubMessage("p7", "e7", "order.placed", "{}")
                + ",\"subscription\":\"projects/acme/subscriptions/eventarc-trigger\"}";
        Map<String, String> binary = Map.of("Content-Type", "application/json", "ce-specversion", "1.0",
                "ce-id", "arc-1", "ce-source", "//pubsub.googleapis.com/projects/acme/topics/orders",
                "ce-type", "google.cloud.pubsub.topic.v1.messagePublished", "ce-time", "2026-01-01T00:00:00.123Z");
        assertThat(Http.post(port, "/", binary, data).statusCode()).isEqualTo(204);

        String structured = "{\"specversion\":\"1.0\",\"id\":\"arc-2\",\"source\":\"//pubsub.googleapis.com/projects/acme/topics/orders\","
                + "\"type\":\"google.cloud.pubsub.topic.v1.messagePublished\",\"datacontenttype\":\"application/json\","
                + "\"data\":{\"message\":" + Http.pubsubMessage("p8", "e8", "greet", "{\"name\":\"arc\"}")
                + ",\"subscription\":\"projects/acme/subscriptions/eventarc-trigger\"}}";
        assertThat(Http.post(port, "/", Map.of("Content-Type", "application/cloudevents+json"), structured).statusCode())
                .isEqualTo(204);
        assertThat(handled()).containsExactly("order:e7", "greet:arc");
    }

    @Test
    void badInputIsRefusedWithItsStatusAndNoHandlerSeesIt() throws Exception {
        assertThat(Http.post(port, "/", JSON, "{\"message\":").statusCode()).as("malformed JSON").isEqualTo(400);
        assertThat(Http.post(port, "/", JSON, "{\"subscription\":\"s\"}").statusCode()).as("push without message").isEqualTo(400);
        String badBase64 = "{\"message\":{\"messageId\":\"p9\",\"data\":\"not base64!\"}}";
        assertThat(Http.post(port, "/", JSON, badBase64).statusCode()).as("invalid base64").isEqualTo(400);
        Map<String, String> noId = Map.of("Content-Type", "application/json", "ce-specversion", "1.0",
                "ce-source", "/tests", "ce-type", "greet");
        HttpResponse<String> missingId = Http.post(port, "/", noId, "{\"name\":\"x\"}");
        assertThat(missingId.statusCode()).as("CloudEvent missing id").isEqualTo(400);
        assertThat(missingId.body()).contains("ce-id");
        String structuredNoId = "{\"specversion\":\"1.0\",\"source\":\"/tests\",\"type\":\"greet\"}";
        assertThat(Http.post(port, "/", Map.of("Content-Type", "application/cloudevents+json"), structuredNoId).statusCode())
                .as("structured CloudEvent missing id").isEqualTo(400);
        Map<String, String> oldVersion = Map.of("ce-specversion", "0.2", "ce-id", "x", "ce-source", "/t", "ce-type", "greet");
        assertThat(Http.post(port, "/", oldVersion, "{}").statusCode()).as("unknown specversion").isEqualTo(400);
        String structuredV2 = "{\"specversion\":\"2.0\",\"id\":\"x\",\"source\":\"/tests\",\"type\":\"greet\"}";
        assertThat(Http.post(port, "/", Map.of("Content-Type", "application/cloudevents+json"), structuredV2).statusCode())
                .as("unknown specversion, structured").isEqualTo(400);
        assertThat(Http.post(port, "/", JSON, new byte[5000]).statusCode()).as("oversized body").isEqualTo(413);
        assertThat(Http.post(port, "/", Map.of("Content-Type", "text/plain"), "hello").statusCode())
                .as("wrong content type").isEqualTo(415);
        assertThat(handled()).isEmpty();
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void healthAndDrain() throws Exception {
        assertThat(Http.get(port, "/healthz").statusCode()).isEqualTo(200);
        String slow = Http.push(Http.pubsubMessage("p10", "e10", "greet", "{\"name\":\"slow\"}"), null);
        CompletableFuture<HttpResponse<String>> inFlight = CompletableFuture.supplyAsync(() -> {
            try {
                return Http.post(port, "/", JSON, slow);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        dev.sluice.testkit.Await.until("the slow request is in flight", () -> server.inFlight() == 1);
        server.close();
        assertThat(inFlight.join().statusCode()).isEqualTo(204);
        assertThat(handled()).containsExactly("greet:slow");
    }
}
