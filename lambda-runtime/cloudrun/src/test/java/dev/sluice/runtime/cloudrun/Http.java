package dev.sluice.runtime.cloudrun;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/** Real HTTP requests to a host on 127.0.0.1, and the request bodies Pub/Sub and Eventarc send. */
final class Http {
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    private Http() {
    }

    static HttpResponse<String> post(int port, String path, Map<String, String> headers, String body) throws Exception {
        return post(port, path, headers, body.getBytes(StandardCharsets.UTF_8));
    }

    static HttpResponse<String> post(int port, String path, Map<String, String> headers, byte[] body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(b::header);
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(int port, String path) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    /** The JSON of a Pub/Sub message carrying a binary-mode CloudEvent in its attributes. */
    static String pubsubMessage(String messageId, String eventId, String type, String data) {
        return "{\"attributes\":{\"ce-specversion\":\"1.0\",\"ce-id\":\"" + eventId + "\",\"ce-source\":\"/tests\","
                + "\"ce-type\":\"" + type + "\",\"content-type\":\"application/json\"},"
                + "\"data\":\"" + b64(data) + "\",\"messageId\":\"" + messageId + "\",\"message_id\":\"" + messageId + "\","
                + "\"publishTime\":\"2026-01-01T00:00:00.123Z\",\"publish_time\":\"2026-01-01T00:00:00.123Z\"}";
    }

    /** A wrapped push request as Pub/Sub sends it. */
    static String push(String message, Integer deliveryAttempt) {
        return "{\"message\":" + message + ",\"subscription\":\"projects/acme/subscriptions/orders-worker\""
                + (deliveryAttempt == null ? "" : ",\"deliveryAttempt\":" + deliveryAttempt) + "}";
    }
}
