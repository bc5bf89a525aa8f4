package dev.sluice.runtime.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.DeadLetter;
import dev.sluice.runtime.inject.SluiceRuntime;
import dev.sluice.runtime.testapp.Recorder;
import dev.sluice.runtime.testapp.SqsEvents;
import dev.sluice.runtime.testapp.TestConfigs;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SqsLambdaHandlerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private SluiceRuntime runtime;

    private SqsLambdaHandler handler(String uri) {
        runtime = SluiceRuntime.start(TestConfigs.config(TestConfigs.env(uri)));
        return new SqsLambdaHandler(runtime);
    }

    @AfterEach
    void close() {
        if (runtime != null) runtime.close();
    }

    static List<String> failures(SqsLambdaHandler handler, String event) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, null);
        JsonNode response = JSON.readTree(out.toByteArray());
        List<String> ids = new ArrayList<>();
        response.get("batchItemFailures").forEach(f -> ids.add(f.get("itemIdentifier").asText()));
        return ids;
    }

    @Test
    void standardBatchReportsOnlyTheRetriesAndCountsDeadLettersAsSuccess() throws Exception {
        SqsLambdaHandler handler = handler("mem://orders");
        String event = SqsEvents.from("orders")
                .event("m1", "greet", "{\"name\":\"ada\"}")
                .event("m2", "greet", "{\"name\":\"fail\"}")
                .event("m3", "greet", "{\"name\":\"poison\"}")
                .event("m4", "order.placed", "{}")
                .event("m5", "nobody.handles.this", "{}")
                .raw("m6", "{not json", java.util.Map.of("ce-specversion", "1.0", "ce-type", "greet"), 1, null)
                .json();

        assertThat(failures(handler, event)).containsExactly("m2");
        assertThat(runtime.injector().getInstance(Recorder.class).handled())
                .containsExactlyInAnyOrder("greet:ada", "order:m4");
        List<DeadLetter> dead = runtime.sluice().deadLetters(runtime.config().queues().get(0).spec()).peek(10);
        assertThat(dead).extracting(DeadLetter::messageId).hasSize(3);
    }

    @Test
    void fifoBatchStopsAtTheFirstFailureAndReportsEveryLaterRecord() throws Exception {
        SqsLambdaHandler handler = handler("mem://orders.fifo");
        String event = SqsEvents.from("orders.fifo")
                .event("f1", "greet", "{\"name\":\"ada\"}", 1, "g1")
                .event("f2", "greet", "{\"name\":\"poison\"}", 1, "g1")
                .event("f3", "greet", "{\"name\":\"fail\"}", 1, "g2")
                .event("f4", "greet", "{\"name\":\"bob\"}", 1, "g1")
                .event("f5", "greet", "{\"name\":\"cy\"}", 1, "g3")
                .json();

        assertThat(failures(handler, event)).containsExactly("f3", "f4", "f5");
        assertThat(runtime.injector().getInstance(Recorder.class).handled()).containsExactly("greet:ada");
    }

    @Test
    void theLastAllowedAttemptIsDeadLetteredNotReported() throws Exception {
        SqsLambdaHandler handler = handler("mem://orders");
        String event = SqsEvents.from("orders").event("m1", "greet", "{\"name\":\"fail\"}", 3, null).json();

        assertThat(failures(handler, event)).isEmpty();
        assertThat(runtime.sluice().deadLetters(runtime.config().queues().get(0).spec()).peek(10)).hasSize(1);
    }

    @Test
    void aRecordFromAQueueThatIsNotConfiguredThrows() {
        java.util.Map<String, String> env = TestConfigs.env("mem://orders");
        env.put("SLUICE_QUEUE_PAYMENTS_URI", "mem://payments");
        runtime = SluiceRuntime.start(TestConfigs.config(env));
        SqsLambdaHandler handler = new SqsLambdaHandler(runtime);
        String event = SqsEvents.from("invoices").event("i1", "greet", "{\"name\":\"ada\"}").json();
        assertThatThrownBy(() -> failures(handler, event)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no configured queue is named 'invoices'");
    }

    @Test
    void recordsNotStartedWhenTimeIsNearlyUpAreReportedUnhandled() throws Exception {
        SqsLambdaHandler handler = handler("mem://orders");
        com.amazonaws.services.lambda.runtime.Context almostOver = (com.amazonaws.services.lambda.runtime.Context)
                java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                        new Class<?>[] {com.amazonaws.services.lambda.runtime.Context.class},
                        (proxy, method, args) -> method.getName().equals("getRemainingTimeInMillis") ? 500 : null);
        String event = SqsEvents.from("orders").event("m1", "greet", "{\"name\":\"ada\"}")
                .event("m2", "greet", "{\"name\":\"bob\"}").json();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, almostOver);
        assertThat(JSON.readTree(out.toByteArray()).get("batchItemFailures")).hasSize(2);
        assertThat(runtime.injector().getInstance(Recorder.class).handled()).isEmpty();
    }

    @Test
    void anEventThatIsNotAnSqsEventThrows() {
        SqsLambdaHandler handler = handler("mem://orders");
        assertThatThrownBy(() -> failures(handler, "{\"detail-type\":\"Scheduled Event\"}"))
                .isInstanceOf(IOException.class).hasMessageContaining("Records");
        assertThatThrownBy(() -> failures(handler, "{oops")).isInstanceOf(IOException.class);
    }
}
