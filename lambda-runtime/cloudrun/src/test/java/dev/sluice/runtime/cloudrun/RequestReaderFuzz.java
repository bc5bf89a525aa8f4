package dev.sluice.runtime.cloudrun;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Fuzzes the Cloud Run host's request reading ({@link RequestReader#read}), its one entry point without
 * Jetty: any headers and body become a message or a {@link Rejected} with 400 or 415; nothing else escapes.
 */
class RequestReaderFuzz {
    private static final List<String> NAMES = List.of("content-type", "ce-specversion", "ce-id", "ce-type", "ce-source",
            "ce-time", "x-goog-pubsub-message-id", "x-goog-pubsub-publish-time", "x-goog-pubsub-ordering-key",
            "authorization", "ce-traceparent");
    private static final List<String> TYPES = List.of("application/json", "application/cloudevents+json",
            "application/cloudevents-batch+json", "text/plain", "APPLICATION/JSON; charset=utf-8", "");

    @FuzzTest(maxDuration = "5s")
    void requestsReadOrAreRejectedWith400Or415(FuzzedDataProvider in) {
        Map<String, String> headers = new HashMap<>();
        int n = in.consumeInt(0, 6);
        for (int i = 0; i < n; i++) {
            String name = in.consumeBoolean() ? in.pickValue(NAMES) : in.consumeString(16).toLowerCase();
            headers.put(name, name.equals("content-type") && in.consumeBoolean() ? in.pickValue(TYPES) : in.consumeString(64));
        }
        if (in.consumeBoolean()) headers.put("ce-type", "google.cloud.pubsub.topic.v1.messagePublished");
        byte[] body = in.consumeRemainingAsBytes();
        try {
            Received r = RequestReader.read(headers, body);
            assertThat(r.message().messageId()).isNotEmpty();
            assertThat(r.message().body().length).isLessThanOrEqualTo(body.length);
        } catch (Rejected expected) {
            assertThat(expected.status).isIn(400, 415);
        }
    }
}
