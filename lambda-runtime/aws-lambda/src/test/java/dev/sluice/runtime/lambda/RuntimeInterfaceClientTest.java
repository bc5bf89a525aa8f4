package dev.sluice.runtime.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.runtime.testapp.SqsEvents;
import dev.sluice.runtime.testapp.TestAppModule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Lambda host as Lambda runs it: the real Runtime Interface Client in its own JVM, polling a Runtime API
 * served here, invoking {@code SqsLambdaHandler::handleRequest} with SQS events shaped as Lambda sends them.
 */
class RuntimeInterfaceClientTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path taskRoot;

    @Test
    void standardAndFifoBatchesUnderTheRealRuntimeInterfaceClient() throws Exception {
        Map<String, String> env = Map.of(
                "SLUICE_MODULES", TestAppModule.class.getName(),
                "SLUICE_QUEUE_ORDERS_URI", "mem://orders",
                "SLUICE_QUEUE_ORDERS_FIFO_URI", "mem://orders.fifo",
                "SLUICE_QUEUE_ORDERS_FIFO_ORDERING", "true");
        try (FakeLambdaRuntimeApi api = new FakeLambdaRuntimeApi();
             LambdaProcess lambda = LambdaProcess.start(api, env, LambdaProcess.testClassPath(), taskRoot)) {
            String standard = SqsEvents.from("orders")
                    .event("s1", "greet", "{\"name\":\"ada\"}")
                    .event("s2", "greet", "{\"name\":\"fail\"}")
                    .event("s3", "greet", "{\"name\":\"poison\"}")
                    .event("s4", "order.placed", "{}")
                    .event("s5", "greet", "{\"name\":\"fail\"}")
                    .json();
            FakeLambdaRuntimeApi.Result first = api.invoke(standard).get(60, TimeUnit.SECONDS);
            assertThat(first.error()).as(lambda.output()).isFalse();
            assertThat(failures(first.body())).containsExactlyInAnyOrder("s2", "s5");

            String fifo = SqsEvents.from("orders.fifo")
                    .event("f1", "greet", "{\"name\":\"ada\"}", 1, "g1")
                    .event("f2", "greet", "{\"name\":\"fail\"}", 2, "g1")
                    .event("f3", "greet", "{\"name\":\"bob\"}", 1, "g2")
                    .json();
            FakeLambdaRuntimeApi.Result second = api.invoke(fifo).get(60, TimeUnit.SECONDS);
            assertThat(second.error()).as(lambda.output()).isFalse();
            assertThat(failures(second.body())).containsExactly("f2", "f3");

            FakeLambdaRuntimeApi.Result third = api.invoke("{\"source\":\"aws.events\"}").get(60, TimeUnit.SECONDS);
            assertThat(third.error()).as("an event that is not an SQS event is an invocation error").isTrue();
            assertThat(third.body()).contains("Records");
        }
    }

    @Test
    void aConfigurationErrorIsAnInitErrorThatSaysWhatToChange() throws Exception {
        Map<String, String> env = Map.of(
                "SLUICE_MODULES", "com.acme.MissingModule",
                "SLUICE_QUEUE_ORDERS_URI", "mem://orders");
        try (FakeLambdaRuntimeApi api = new FakeLambdaRuntimeApi();
             LambdaProcess lambda = LambdaProcess.start(api, env, LambdaProcess.testClassPath(), taskRoot)) {
            String error = api.initError.get(60, TimeUnit.SECONDS);
            assertThat(error).as(lambda.output()).contains("SLUICE_MODULES names com.acme.MissingModule");
        }
    }

    static List<String> failures(String body) throws Exception {
        JsonNode response = JSON.readTree(body);
        List<String> ids = new ArrayList<>();
        response.get("batchItemFailures").forEach(f -> ids.add(f.get("itemIdentifier").asText()));
        return ids;
    }
}
