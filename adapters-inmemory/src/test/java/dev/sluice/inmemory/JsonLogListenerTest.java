package dev.sluice.inmemory;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.OutgoingEvent;
import dev.sluice.PermanentFailureException;
import dev.sluice.QueueSpec;
import dev.sluice.RetryPolicy;
import dev.sluice.core.Sluice;
import dev.sluice.observe.JsonLogListener;
import dev.sluice.testkit.Await;
import dev.sluice.testkit.VirtualClock;
import dev.sluice.worker.Worker;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Structured logs: one JSON object per line, the fields Lambda and Cloud Logging read, never a payload. */
class JsonLogListenerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String SPAN = "00f067aa0ba902b7";

    private static CloudEvent event(String id, String type) {
        return CloudEventBuilder.v1().withId(id).withSource(URI.create("/shop")).withType(type)
                .withExtension("traceparent", "00-" + TRACE + "-" + SPAN + "-01")
                .withData("application/json", "{\"card\":\"4111-SECRET\"}".getBytes(StandardCharsets.UTF_8)).build();
    }

    @Test
    void eachSettlementIsOneJsonLineWithItsIdsAttemptOutcomeAndTraceButNoPayload() throws Exception {
        VirtualClock clock = new VirtualClock();
        List<String> lines = new CopyOnWriteArrayList<>();
        QueueSpec spec = QueueSpec.builder("mem://logged").retryPolicy(RetryPolicy.fixed(Duration.ofSeconds(1))).build();
        try (Sluice sluice = Sluice.builder().scheduler(clock)
                .listener(JsonLogListener.builder().sink(lines::add).gcpProject("acme").build()).build();
             Worker worker = sluice.worker(spec)
                     .on("ok", (e, d) -> { })
                     .on("flaky", (e, d) -> {
                         if (d.attempt().getAsInt() == 1) throw new IllegalStateException("card 4111-SECRET declined");
                     })
                     .on("doomed", (e, d) -> {
                         throw new PermanentFailureException("never");
                     }).start()) {
            List<OutgoingEvent> batch = new ArrayList<>();
            batch.add(OutgoingEvent.of(event("ok-1", "ok")));
            batch.add(OutgoingEvent.of(event("flaky-1", "flaky")));
            batch.add(OutgoingEvent.of(event("doomed-1", "doomed")));
            sluice.publisher(spec.uri()).publishAll(batch).get();
            Await.until("three settlements", () -> lines.size() == 3);
            clock.advance(Duration.ofSeconds(1));
            Await.until("the retry settled", () -> lines.size() == 4);
        }
        List<JsonNode> parsed = new ArrayList<>();
        for (String line : lines) {
            assertThat(line).doesNotContain("\n").doesNotContain("SECRET");
            parsed.add(JSON.readTree(line));
        }
        assertThat(parsed).allSatisfy(n -> {
            assertThat(n.path("queue").asText()).isEqualTo("mem://logged");
            assertThat(n.path("eventSource").asText()).isEqualTo("/shop");
            assertThat(n.path("traceId").asText()).isEqualTo(TRACE);
            assertThat(n.path("spanId").asText()).isEqualTo(SPAN);
            assertThat(n.path("logging.googleapis.com/trace").asText()).isEqualTo("projects/acme/traces/" + TRACE);
            assertThat(n.has("messageId")).isTrue();
            assertThat(n.path("timestamp").asText()).isEqualTo(n.path("time").asText()).startsWith("2026-01-01T");
        });
        JsonNode retry = parsed.stream().filter(n -> n.path("outcome").asText().equals("retry")).findFirst().orElseThrow();
        assertThat(retry.path("level").asText()).isEqualTo("WARN");
        assertThat(retry.path("severity").asText()).isEqualTo("WARNING");
        assertThat(retry.path("eventId").asText()).isEqualTo("flaky-1");
        assertThat(retry.path("attempt").asInt()).isEqualTo(1);
        assertThat(retry.path("delayMs").asLong()).isEqualTo(1000);
        assertThat(retry.path("error").asText()).isEqualTo(IllegalStateException.class.getName());
        JsonNode dead = parsed.stream().filter(n -> n.path("outcome").asText().equals("dead_letter")).findFirst().orElseThrow();
        assertThat(dead.path("severity").asText()).isEqualTo("ERROR");
        assertThat(dead.path("cause").asText()).isEqualTo("PERMANENT_FAILURE");
        assertThat(dead.path("eventType").asText()).isEqualTo("doomed");
        assertThat(parsed).filteredOn(n -> n.path("outcome").asText().equals("ack"))
                .extracting(n -> n.path("eventId").asText() + "#" + n.path("attempt").asInt())
                .containsExactlyInAnyOrder("ok-1#1", "flaky-1#2");
    }
}
