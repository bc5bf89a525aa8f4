package dev.sluice.runtime.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.runtime.inject.SluiceRuntime;
import dev.sluice.runtime.testapp.Recorder;
import dev.sluice.runtime.testapp.TestConfigs;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bad-input corpus of the Lambda host ({@code lambda-corpus.json}): each event goes through
 * {@link SqsLambdaHandler#handleRequest}. {@code "outcome":"error"}: the invocation fails with an
 * {@link IOException} naming no payload (Lambda retries the batch); {@code "batch"}: it answers with exactly the
 * listed {@code batchItemFailures} (a dead-lettered record is not listed), and the handler ran only where
 * {@code "handled"} says so.
 */
class LambdaBadInputCorpusTest {
    private static SluiceRuntime runtime;
    private static SqsLambdaHandler handler;

    @BeforeAll
    static void start() {
        runtime = SluiceRuntime.start(TestConfigs.config(TestConfigs.env("mem://orders")));
        handler = new SqsLambdaHandler(runtime);
    }

    @AfterAll
    static void stop() {
        runtime.close();
    }

    static Stream<Arguments> cases() throws IOException {
        try (InputStream in = LambdaBadInputCorpusTest.class.getResourceAsStream("lambda-corpus.json")) {
            List<Arguments> cases = new ArrayList<>();
            new ObjectMapper().readTree(in).forEach(c -> cases.add(Arguments.of(c.get("name").asText(), c)));
            return cases.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void eachBadEventGetsItsDocumentedAnswer(String name, JsonNode c) throws Exception {
        String event = c.get("event").asText();
        if (c.get("outcome").asText().equals("error")) {
            assertThatThrownBy(() -> SqsLambdaHandlerTest.failures(handler, event)).as(c.get("why").asText())
                    .isInstanceOf(IOException.class).message().doesNotContain("\"name\"");
        } else {
            List<String> expected = new ArrayList<>();
            c.get("failures").forEach(f -> expected.add(f.asText()));
            assertThat(SqsLambdaHandlerTest.failures(handler, event)).as(c.get("why").asText()).isEqualTo(expected);
        }
        assertThat(runtime.injector().getInstance(Recorder.class).handled().contains("greet:" + name))
                .as("handler ran for %s", name).isEqualTo(c.get("handled").asBoolean());
    }
}
