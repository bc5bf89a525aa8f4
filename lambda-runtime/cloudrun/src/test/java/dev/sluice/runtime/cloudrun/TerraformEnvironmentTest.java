package dev.sluice.runtime.cloudrun;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.cloud.pubsub.v1.SubscriptionAdminClient;
import com.google.cloud.pubsub.v1.SubscriptionAdminSettings;
import com.google.cloud.pubsub.v1.TopicAdminClient;
import com.google.cloud.pubsub.v1.TopicAdminSettings;
import com.google.protobuf.util.Durations;
import com.google.pubsub.v1.DeadLetterPolicy;
import com.google.pubsub.v1.PushConfig;
import com.google.pubsub.v1.RetryPolicy;
import com.google.pubsub.v1.Subscription;
import com.sun.net.httpserver.HttpServer;
import dev.sluice.runtime.inject.SluiceRuntime;
import dev.sluice.runtime.testapp.Recorder;
import dev.sluice.runtime.testapp.TestAppModule;
import dev.sluice.runtime.testapp.TestConfigs;
import dev.sluice.testkit.pubsub.PubSubTestServer;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The GCP Terraform module and the runtime agree: the Cloud Run host starts with exactly the environment the
 * module sets, against the Pub/Sub resources the module makes (a push subscription with a retry policy and a
 * dead-letter policy, the dead-letter topic and the subscription that keeps its messages), and handles a push.
 * Both come from {@code terraform/test/fixtures/runtime/gcp-welcome-email.json}, which the Terraform checks render
 * from the module's own expressions and keep current.
 */
class TerraformEnvironmentTest {
    private static final Path FIXTURE = Path.of("..", "..", "terraform", "test", "fixtures", "runtime", "gcp-welcome-email.json");

    @Test
    void theCloudRunHostStartsWithTheModulesEnvironmentAndResourcesAndHandlesAPush() throws Exception {
        JsonNode fixture = new ObjectMapper().readTree(FIXTURE.toFile());
        KeyPair google = KeyPairGenerator.getInstance("RSA").generateKeyPair();
        HttpServer jwks = jwks((RSAPublicKey) google.getPublic());
        try (PubSubTestServer pubsub = PubSubTestServer.start()) {
            createAsTerraformDoes(pubsub, fixture);

            assertThat(fixture.path("environment").path("SLUICE_QUEUE_WELCOME_EMAIL_PROVISIONING").asText()).isEqualTo("verify");
            // only what a test must change: where Pub/Sub and Google's keys are, and the application (whose
            // publisher is bound to a queue named orders: the logical name changes, no value does)
            Map<String, String> env = new HashMap<>();
            fixture.path("environment").fields().forEachRemaining(e ->
                    env.put(e.getKey().replace("_WELCOME_EMAIL_", "_ORDERS_"), e.getValue().asText()));
            env.replaceAll((k, v) -> v.startsWith("pubsub://") ? v + "&endpoint=" + pubsub.endpoint() : v);
            env.put("SLUICE_MODULES", TestAppModule.class.getName());
            env.put("SLUICE_PUSH_JWKS_URL", "http://127.0.0.1:" + jwks.getAddress().getPort() + "/certs");

            SluiceRuntime runtime = SluiceRuntime.start(TestConfigs.config(env));
            CloudRunServer server = CloudRunServer.start(runtime, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                    Clock.systemUTC());
            try {
                assertThat(Http.get(server.port(), "/healthz").statusCode()).isEqualTo(200);
                String body = "{\"message\":" + Http.pubsubMessage("p-1", "e-1", "greet", "{\"name\":\"terraform\"}")
                        + ",\"subscription\":\"" + fixture.path("subscription").path("name").asText() + "\",\"deliveryAttempt\":1}";
                String token = OidcTest.jwt("RS256", "key-1", claims(env), google.getPrivate());
                assertThat(Http.post(server.port(), "/", Map.of("Content-Type", "application/json",
                        "Authorization", "Bearer " + token), body).statusCode()).isEqualTo(204);
                assertThat(runtime.injector().getInstance(Recorder.class).handled()).containsExactly("greet:terraform");
            } finally {
                server.close();
            }
        } finally {
            jwks.stop(0);
        }
    }

    /** The topics and subscriptions of the module (main.tf), with their settings. */
    private static void createAsTerraformDoes(PubSubTestServer pubsub, JsonNode f) throws Exception {
        try (TopicAdminClient topics = TopicAdminClient.create(TopicAdminSettings.newBuilder()
                     .setTransportChannelProvider(pubsub.channelProvider()).setCredentialsProvider(pubsub.credentialsProvider()).build());
             SubscriptionAdminClient subscriptions = SubscriptionAdminClient.create(SubscriptionAdminSettings.newBuilder()
                     .setTransportChannelProvider(pubsub.channelProvider()).setCredentialsProvider(pubsub.credentialsProvider()).build())) {
            topics.createTopic(f.path("topic").asText());
            topics.createTopic(f.path("deadLetterTopic").asText());
            JsonNode keeper = f.path("deadLetterSubscription");
            subscriptions.createSubscription(Subscription.newBuilder().setName(keeper.path("name").asText())
                    .setTopic(f.path("deadLetterTopic").asText()).setAckDeadlineSeconds(keeper.path("ackDeadlineSeconds").asInt()).build());
            JsonNode s = f.path("subscription");
            Subscription.Builder worker = Subscription.newBuilder().setName(s.path("name").asText())
                    .setTopic(f.path("topic").asText())
                    .setAckDeadlineSeconds(s.path("ackDeadlineSeconds").asInt())
                    .setEnableMessageOrdering(s.path("enableMessageOrdering").asBoolean())
                    .setDeadLetterPolicy(DeadLetterPolicy.newBuilder().setDeadLetterTopic(f.path("deadLetterTopic").asText())
                            .setMaxDeliveryAttempts(s.path("maxDeliveryAttempts").asInt()))
                    .setPushConfig(PushConfig.newBuilder().setPushEndpoint(s.path("pushEndpoint").asText()));
            if (!s.path("retryPolicy").isNull()) {
                worker.setRetryPolicy(RetryPolicy.newBuilder()
                        .setMinimumBackoff(Durations.parse(s.path("retryPolicy").path("minimumBackoff").asText()))
                        .setMaximumBackoff(Durations.parse(s.path("retryPolicy").path("maximumBackoff").asText())));
            }
            subscriptions.createSubscription(worker.build());
        }
    }

    private static Map<String, Object> claims(Map<String, String> env) {
        long now = Instant.now().getEpochSecond();
        return Map.of("iss", "https://accounts.google.com", "aud", env.get("SLUICE_PUSH_AUDIENCE"),
                "email", env.get("SLUICE_PUSH_SERVICE_ACCOUNT"), "email_verified", true, "sub", "1", "iat", now - 10,
                "exp", now + 600);
    }

    private static HttpServer jwks(RSAPublicKey key) throws Exception {
        byte[] keys = ("{\"keys\":[{\"kty\":\"RSA\",\"alg\":\"RS256\",\"use\":\"sig\",\"kid\":\"key-1\",\"n\":\""
                + b64(key.getModulus()) + "\",\"e\":\"" + b64(key.getPublicExponent()) + "\"}]}").getBytes(StandardCharsets.UTF_8);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/certs", ex -> {
            ex.sendResponseHeaders(200, keys.length);
            ex.getResponseBody().write(keys);
            ex.close();
        });
        server.start();
        return server;
    }

    private static String b64(BigInteger n) {
        byte[] bytes = n.toByteArray();
        if (bytes[0] == 0) bytes = java.util.Arrays.copyOfRange(bytes, 1, bytes.length);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
