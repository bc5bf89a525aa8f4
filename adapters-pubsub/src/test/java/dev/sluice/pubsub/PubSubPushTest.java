package dev.sluice.pubsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.pubsub.PubSubPush.MalformedPushException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The Pub/Sub push wire forms, read into messages: no server, no broker. */
class PubSubPushTest {
    private static final String SECRET = "s3cret-payload";

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(bytes(s));
    }

    private static String message(String id) {
        return "{\"attributes\":{\"ce-specversion\":\"1.0\",\"ce-id\":\"e1\",\"ce-type\":\"greet\",\"ce-source\":\"/t\"},"
                + "\"data\":\"" + b64("{\"name\":\"ada\"}") + "\",\"message_id\":\"" + id + "\",\"publishTime\":\"2026-01-01T00:00:00Z\","
                + "\"orderingKey\":\"k1\"}";
    }

    @Test
    void aWrappedPushWithItsDeliveryAttempt() throws Exception {
        PubSubPush push = PubSubPush.wrapped(bytes("{\"message\":" + message("m1")
                + ",\"subscription\":\"projects/acme/subscriptions/orders-worker\",\"deliveryAttempt\":4}"));
        assertThat(push.subscription()).isEqualTo("projects/acme/subscriptions/orders-worker");
        assertThat(push.message().messageId()).isEqualTo("m1");
        assertThat(push.message().attempt()).isEqualTo(OptionalInt.of(4));
        assertThat(push.message().orderingKey()).isEqualTo("k1");
        assertThat(push.message().publishTime()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(new String(push.message().body(), StandardCharsets.UTF_8)).isEqualTo("{\"name\":\"ada\"}");
        assertThat(push.message().attributes()).containsEntry("ce-id", "e1").hasSize(4);
    }

    @Test
    void withoutADeadLetterPolicyThereIsNoAttempt() throws Exception {
        assertThat(PubSubPush.wrapped(bytes("{\"message\":" + message("m2") + "}")).message().attempt()).isEmpty();
    }

    @Test
    void anUnwrappedPushTakesItsAttributesFromTheHeaders() throws Exception {
        Map<String, String> headers = new HashMap<>(Map.of("x-goog-pubsub-message-id", "m3",
                "x-goog-pubsub-subscription-name", "projects/acme/subscriptions/s", "x-goog-pubsub-publish-time",
                "2026-01-01T00:00:00.123Z", "x-goog-pubsub-ordering-key", "k", "ce-id", "e3", "content-type", "application/json",
                "authorization", "Bearer token", "x-forwarded-for", "1.2.3.4", "user-agent", "APIs-Google"));
        assertThat(PubSubPush.isUnwrapped(headers)).isTrue();
        PubSubPush push = PubSubPush.unwrapped(headers, bytes("{}"));
        assertThat(push.subscription()).isEqualTo("projects/acme/subscriptions/s");
        assertThat(push.message().messageId()).isEqualTo("m3");
        assertThat(push.message().orderingKey()).isEqualTo("k");
        assertThat(push.message().attributes()).containsOnlyKeys("ce-id", "content-type");
        assertThat(push.message().unwrap(Map.class).orElseThrow()).doesNotContainKey("authorization");
    }

    @Test
    void eventarcMessagePublishedInBothModes() throws Exception {
        String data = "{\"message\":" + message("m4") + ",\"subscription\":\"projects/acme/subscriptions/trigger\"}";
        assertThat(PubSubPush.isMessagePublished("google.cloud.pubsub.topic.v1.messagePublished")).isTrue();
        PubSubPush binary = PubSubPush.messagePublished(bytes(data));
        assertThat(binary.message().messageId()).isEqualTo("m4");
        assertThat(binary.subscription()).isEqualTo("projects/acme/subscriptions/trigger");

        PubSubPush structured = PubSubPush.messagePublishedStructured(bytes("{\"specversion\":\"1.0\",\"id\":\"a\",\"source\":\"s\","
                + "\"type\":\"" + PubSubPush.MESSAGE_PUBLISHED + "\",\"data\":" + data + "}"));
        assertThat(structured.message().messageId()).isEqualTo("m4");
        PubSubPush base64 = PubSubPush.messagePublishedStructured(bytes("{\"specversion\":\"1.0\",\"id\":\"a\",\"source\":\"s\","
                + "\"type\":\"" + PubSubPush.MESSAGE_PUBLISHED + "\",\"data_base64\":\"" + b64(data) + "\"}"));
        assertThat(base64.message().messageId()).isEqualTo("m4");
    }

    @Test
    void malformedEnvelopesSayWhatIsWrongWithoutThePayload() {
        String[] bad = {
                "{\"message\": " + SECRET + "}",
                "[\"" + SECRET + "\"]",
                "{\"subscription\":\"" + SECRET + "\"}",
                "{\"message\":{\"data\":\"" + b64(SECRET) + "\"}}",
                "{\"message\":{\"messageId\":\"m5\",\"data\":\"" + SECRET + "!\"}}",
                "{\"message\":{\"messageId\":\"m5\",\"attributes\":{\"a\":{\"x\":\"" + SECRET + "\"}}}}",
                "{\"message\":{\"messageId\":\"m5\",\"attributes\":\"" + SECRET + "\"}}",
        };
        for (String body : bad) {
            assertThatThrownBy(() -> PubSubPush.wrapped(bytes(body))).as(body)
                    .isInstanceOf(MalformedPushException.class)
                    .extracting(Throwable::getMessage).asString().doesNotContain(SECRET).doesNotContain("s3cret");
        }
        assertThatThrownBy(() -> PubSubPush.messagePublishedStructured(bytes("{\"type\":\"x\",\"data\":\"" + SECRET + "\"}")))
                .isInstanceOf(MalformedPushException.class).hasMessageNotContaining(SECRET);
    }

    @Test
    void whetherAQueueUriNamesAPushingSubscription() {
        URI queue = URI.create("pubsub://projects/acme/topics/orders?subscription=orders-worker");
        assertThat(PubSubPush.namesSubscription(queue, "projects/acme/subscriptions/orders-worker")).isTrue();
        assertThat(PubSubPush.namesSubscription(queue, "orders-worker")).isTrue();
        assertThat(PubSubPush.namesSubscription(queue, "projects/other/subscriptions/orders-worker")).isFalse();
        assertThat(PubSubPush.namesSubscription(queue, "projects/acme/subscriptions/billing")).isFalse();
        assertThat(PubSubPush.namesSubscription(URI.create("pubsub://projects/acme/topics/orders"), "orders-worker")).isFalse();
        assertThat(PubSubPush.namesSubscription(URI.create("mem://orders?subscription=orders-worker"), "orders-worker")).isFalse();
        assertThat(PubSubPush.namesSubscription(URI.create("pubsub://nonsense"), "orders-worker")).isFalse();
        assertThat(PubSubPush.namesSubscription(queue, null)).isFalse();
    }
}
