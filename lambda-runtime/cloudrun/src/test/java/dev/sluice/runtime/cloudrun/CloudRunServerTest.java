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
        env.put("SLUICE_PUSH_AUTH", "none");
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
    void aFailingBinaryCloudEventIsCountedByThePipelineAndDeadLetteredOnTheLastAttempt() throws Exception {
        // no deliveryAttempt on the wire: the pipeline counts the failures it has seen of message e12
        Map<String, String> binary = Map.of("Content-Type", "application/json",
                "ce-specversion", "1.0", "ce-id", "e12", "ce-source", "/tests", "ce-type", "greet");
        HttpResponse<String> first = Http.post(port, "/", binary, "{\"name\":\"fail\"}");
        assertThat(first.statusCode()).isEqualTo(503);
        assertThat(first.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(first.body()).isEqualTo("retry later\n");
        assertThat(Http.post(port, "/", binary, "{\"name\":\"fail\"}").statusCode()).isEqualTo(503);
        assertThat(deadLetters()).isEmpty();
        assertThat(Http.post(port, "/", binary, "{\"name\":\"fail\"}").statusCode()).isEqualTo(204);
        assertThat(deadLetters()).extracting(d -> d.event().getId()).containsExactly("e12");
    }

    @Test
    void percentEncodedCeHeadersAreDecoded() throws Exception {
        Map<String, String> binary = Map.of("Content-Type", "application/json", "ce-specversion", "1.0",
                "ce-id", "e13", "ce-source", "/tests", "ce-type", "greet", "ce-subject", "Euro%20%E2%82%AC");
        assertThat(Http.post(port, "/", binary, "{\"name\":\"encoded\"}").statusCode()).isEqualTo(204);
        Map<String, String> overlong = new java.util.HashMap<>(binary);
        overlong.put("ce-id", "e14");
        overlong.put("ce-subject", "%C0%A0");
        assertThat(Http.post(port, "/", overlong, "{\"name\":\"overlong\"}").statusCode()).isEqualTo(400);
        assertThat(handled()).containsExactly("greet:encoded");
    }

    @Test
    void malformedPubSubEnvelopesAreRefusedWithGenericBodies() throws Exception {
        assertBadRequest(Http.post(port, "/", JSON, "{\"message\":"), "malformed JSON");
        assertBadRequest(Http.post(port, "/", JSON, "{\"subscription\":\"s\"}"), "push without message");
        String badBase64 = "{\"message\":{\"messageId\":\"p9\",\"data\":\"secret-payload-value!\"}}";
        assertBadRequest(Http.post(port, "/", JSON, badBase64), "invalid base64");
        assertBadRequest(Http.post(port, "/", JSON, "{\"message\": secret-payload-value}"), "a payload token in broken JSON");
        HttpResponse<String> wrongType = Http.post(port, "/", Map.of("Content-Type", "text/plain"), "hello");
        assertThat(wrongType.statusCode()).as("wrong content type").isEqualTo(415);
        assertThat(wrongType.body()).isEqualTo("unsupported media type\n");
        HttpResponse<String> tooLarge = Http.post(port, "/", JSON, new byte[5000]);
        assertThat(tooLarge.statusCode()).as("oversized body").isEqualTo(413);
        assertThat(tooLarge.body()).isEqualTo("payload too large\n");
        assertThat(Http.get(port, "/").statusCode()).as("GET /").isEqualTo(405);
        assertThat(handled()).isEmpty();
        assertThat(deadLetters()).isEmpty();
    }

    private static void assertBadRequest(HttpResponse<String> response, String what) {
        assertThat(response.statusCode()).as(what).isEqualTo(400);
        assertThat(response.body()).as(what).isEqualTo("bad request\n").doesNotContain("secret-payload-value");
    }

    @Test
    void invalidDirectCloudEventsAreDeadLetteredByThePipelineNotDecodedTwice() throws Exception {
        // no 400 for these: the host does not decode a direct CloudEvent; the pipeline does, once, and dead-letters
        Map<String, String> noId = Map.of("Content-Type", "application/json", "ce-specversion", "1.0",
                "ce-source", "/tests", "ce-type", "greet");
        assertThat(Http.post(port, "/", noId, "{\"name\":\"x\"}").statusCode()).as("binary, no id").isEqualTo(204);
        Map<String, String> oldVersion = Map.of("ce-specversion", "0.2", "ce-id", "x1", "ce-source", "/t", "ce-type", "greet");
        assertThat(Http.post(port, "/", oldVersion, "{}").statusCode()).as("binary, unknown specversion").isEqualTo(204);
        Map<String, String> ce = Map.of("Content-Type", "application/cloudevents+json");
        assertThat(Http.post(port, "/", ce, "{\"specversion\":\"1.0\",\"source\":\"/tests\",\"type\":\"greet\"}").statusCode())
                .as("structured, no id").isEqualTo(204);
        assertThat(Http.post(port, "/", ce, "{\"specversion\":\"2.0\",\"id\":\"x2\",\"source\":\"/t\",\"type\":\"greet\"}")
                .statusCode()).as("structured, unknown specversion").isEqualTo(204);
        assertThat(Http.post(port, "/", ce, "{not json").statusCode()).as("structured, not JSON").isEqualTo(204);
        assertThat(deadLetters()).hasSize(5);
        assertThat(handled()).isEmpty();
    }

    @Test
    void batchedCloudEventsAreRefused() throws Exception {
        assertThat(Http.post(port, "/", Map.of("Content-Type", "application/cloudevents-batch+json"), "[]").statusCode())
                .isEqualTo(415);
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
        assertThat(server.inFlight()).isZero();
        assertThat(handled()).containsExactly("greet:slow");
    }
}
