package dev.sluice.runtime.hosts;

import dev.sluice.core.Sluice;
import dev.sluice.inmemory.MemoryDriverProvider;
import dev.sluice.runtime.cloudrun.CloudRunServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Assumptions;

/**
 * The Cloud Run host: {@link CloudRunServer} on 127.0.0.1 with {@code mem://} queues (its dead-letter queue and
 * follow-ups), taking Pub/Sub push requests as a push subscription with a dead-letter policy sends them (the
 * wrapped form, {@code deliveryAttempt} counting the deliveries of each message). Push token verification is off:
 * on this branch it is on only when {@code SLUICE_PUSH_AUDIENCE} and {@code SLUICE_PUSH_SERVICE_ACCOUNT} are set, and
 * neither is; {@code SLUICE_PUSH_AUTH=none} is set as well, the explicit opt-out of a fail-closed configuration (the
 * runtime ignores a variable it does not know yet).
 * A 204 is an ack, a 503 a retry after its {@code Retry-After}, a 4xx a refusal.
 */
final class CloudRunHost extends RuntimeHost {
    private static final String SUBSCRIPTION = "projects/contract/subscriptions/case";

    private final HttpClient http = HttpClient.newHttpClient();
    private final Map<String, String> pending = new ConcurrentHashMap<>();
    private final Map<String, Integer> attempts = new ConcurrentHashMap<>();
    private CloudRunServer server;

    @Override
    public String name() {
        return "Cloud Run";
    }

    @Override
    protected String uri(String name, boolean ordered) {
        return "mem://" + name;
    }

    @Override
    protected Sluice.Builder drivers(Sluice.Builder builder) {
        return builder.driver(log.wrap(new MemoryDriverProvider()));
    }

    @Override
    protected void configure(Map<String, String> env) {
        env.put("SLUICE_PUSH_AUTH", "none");
    }

    @Override
    protected void started() {
        server = CloudRunServer.start(runtime, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), Clock.systemUTC());
    }

    @Override
    protected boolean stopping() {
        server.close();
        return true;
    }

    @Override
    public List<Sent> send(List<Msg> messages) {
        List<Sent> sent = new ArrayList<>();
        for (Msg m : messages) {
            String messageId = "ps-" + m.id();
            String data = json(m.job());
            String contentType = "application/json";
            if (setup.encrypted()) { // as a publisher to the encrypted queue would have sent it
                io.cloudevents.CloudEvent sealed = new dev.sluice.crypto.PayloadEncryption(
                        dev.sluice.crypto.LocalKeyring.of(KEYRING), clock).encrypt(io.cloudevents.core.builder.CloudEventBuilder.v1()
                        .withId(m.id()).withSource(java.net.URI.create("/contract")).withType(m.type())
                        .withDataContentType(contentType).withData(data.getBytes(StandardCharsets.UTF_8)).build());
                contentType = sealed.getDataContentType();
                data = new String(sealed.getData().toBytes(), StandardCharsets.UTF_8);
            }
            Map<String, String> attributes = Map.of("ce-specversion", "1.0", "ce-id", m.id(), "ce-source", "/contract",
                    "ce-type", m.type(), "content-type", contentType);
            pending.put(messageId, message(messageId, attributes, data, m.orderingKey()));
            sent.add(new Sent(messageId, m.id()));
        }
        return sent;
    }

    @Override
    public Sent sendUndecodable(String id) {
        String messageId = "ps-" + id;
        pending.put(messageId, message(messageId, Map.of("ce-specversion", "1.0", "ce-type", ContractModule.JOB,
                "ce-source", "/contract", "content-type", "application/json"), "{not json", null));
        return new Sent(messageId, null);
    }

    /** The JSON of a Pub/Sub message. */
    private static String message(String messageId, Map<String, String> attributes, String data, String orderingKey) {
        StringBuilder a = new StringBuilder();
        attributes.forEach((k, v) -> a.append(a.length() == 0 ? "" : ",").append('"').append(k).append("\":\"").append(v).append('"'));
        return "{\"attributes\":{" + a + "},\"data\":\"" + Base64.getEncoder().encodeToString(data.getBytes(StandardCharsets.UTF_8))
                + "\",\"messageId\":\"" + messageId + "\",\"publishTime\":\"2026-01-01T00:00:00.123Z\""
                + (orderingKey == null ? "" : ",\"orderingKey\":\"" + orderingKey + "\"") + "}";
    }

    @Override
    public Result deliver(Sent m) throws Exception {
        int attempt = attempts.merge(m.messageId(), 1, Integer::sum);
        String body = "{\"message\":" + pending.get(m.messageId()) + ",\"subscription\":\"" + SUBSCRIPTION
                + "\",\"deliveryAttempt\":" + attempt + "}";
        return post(m.messageId(), Map.of("Content-Type", "application/json"), body);
    }

    /** POSTs any request to {@code /} and reads the answer as the outcome of message {@code messageId}. */
    Result post(String messageId, Map<String, String> headers, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/"))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        long mark = log.mark();
        HttpResponse<String> response = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        List<BrokerLog.Call> calls = log.since(mark);
        if (response.statusCode() == 204) {
            long seq = log.settled(spec.uri(), messageId);
            return deadLetterSent(calls, messageId).<Result>map(r -> new Result.DeadLettered(seq, r)).orElse(new Result.Acked(seq));
        }
        if (response.statusCode() == 503) {
            Duration delay = response.headers().firstValue("Retry-After").map(s -> Duration.ofSeconds(Long.parseLong(s))).orElse(null);
            return new Result.Retried(log.reported(spec.uri(), messageId), delay);
        }
        return new Result.Refused(log.mark(), response.statusCode(), response.body());
    }

    @Override
    public List<Result> deliverBatch(List<Sent> batch) throws Exception {
        List<Result> results = new ArrayList<>();
        for (Sent m : batch) results.add(deliver(m));
        return results;
    }

    @Override
    public void assertRedeliveredAfter(Sent m, Duration delay) {
        // No broker state to look at: the push subscription redelivers; the 503's Retry-After is the host's answer.
    }

    @Override
    public void assertStillQueued(Sent m) {
        // Nothing to look at: a push answered 503 stays with Pub/Sub, which pushes it again.
    }

    @Override
    public boolean canExtendLease() {
        return false;
    }

    @Override
    public void assumeFifoBatches() {
        Assumptions.abort("Cloud Run cannot be given a FIFO batch: Pub/Sub push delivers one message per request, so there"
                + " is no batch to stop (Pub/Sub itself holds back the later messages of an ordering key until the earlier"
                + " one is acked)");
    }
}
