package dev.sluice.runtime.brokers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.Publisher;
import dev.sluice.runtime.inject.SluiceRuntime;
import dev.sluice.runtime.lambda.SqsLambdaHandler;
import dev.sluice.runtime.testapp.SqsEvents;
import dev.sluice.runtime.testapp.TestConfigs;
import dev.sluice.testkit.Await;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * The Lambda host on a real SQS API (ElasticMQ): records received as Lambda's poller receives them, with real
 * receipt handles. A failed record's backoff is a ChangeMessageVisibility, so it comes back after the retry
 * delay (1 s) rather than after the visibility timeout (10 min); a poison record lands in the real DLQ.
 */
class SqsLambdaOnElasticMqTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static ElasticMqServer sqs;

    @BeforeAll
    static void start() {
        sqs = ElasticMqServer.start();
    }

    @AfterAll
    static void stop() {
        sqs.close();
    }

    @Test
    void failedRecordsBackOffWithChangeMessageVisibilityAndPoisonGoesToTheDlq() throws Exception {
        Map<String, String> env = TestConfigs.env("sqs://orders-l?region=us-east-1&endpoint=" + sqs.endpoint());
        env.put("SLUICE_QUEUE_ORDERS_LEASE", "600s");
        try (SluiceRuntime runtime = SluiceRuntime.start(TestConfigs.config(env), ElasticMqServer.sqsSluice(), List.of());
             SqsAsyncClient client = sqs.client()) {
            Publisher orders = runtime.injector().getInstance(Publisher.class);
            String failId = orders.publish("greet", Map.of("name", "fail")).join().messageId();
            orders.publish("greet", Map.of("name", "poison")).join();
            orders.publish("greet", Map.of("name", "ada")).join();
            String queueUrl = client.getQueueUrl(b -> b.queueName("orders-l")).join().queueUrl();

            List<Message> received = new ArrayList<>();
            Await.until("three messages received", () -> {
                received.addAll(receive(client, queueUrl, Duration.ZERO));
                return received.size() == 3;
            });
            SqsEvents event = SqsEvents.from("orders-l");
            for (Message m : received) {
                Map<String, String> attributes = new HashMap<>();
                m.messageAttributes().forEach((k, v) -> attributes.put(k, v.stringValue()));
                event.raw(m.messageId(), m.receiptHandle(), m.body(), attributes,
                        Integer.parseInt(m.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)), null);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            new SqsLambdaHandler(runtime).handleRequest(
                    new ByteArrayInputStream(event.json().getBytes(StandardCharsets.UTF_8)), out, null);
            JsonNode failures = JSON.readTree(out.toByteArray()).get("batchItemFailures");
            assertThat(failures).hasSize(1);
            assertThat(failures.get(0).get("itemIdentifier").asText()).isEqualTo(failId);

            List<Message> again = new ArrayList<>();
            Await.until("the failed record is visible again after its backoff", () -> {
                again.addAll(receive(client, queueUrl, Duration.ofSeconds(1)));
                return again.stream().anyMatch(m -> m.messageId().equals(failId));
            }, Duration.ofSeconds(30));
            assertThat(again).extracting(Message::messageId).containsOnly(failId);
            assertThat(runtime.sluice().deadLetters(runtime.config().queues().get(0).spec()).peek(10))
                    .singleElement().satisfies(d -> assertThat(d.event().getData().toBytes())
                            .asString(StandardCharsets.UTF_8).contains("poison"));
        }
    }

    private static List<Message> receive(SqsAsyncClient client, String queueUrl, Duration wait) {
        return client.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10)
                .waitTimeSeconds((int) wait.toSeconds()).messageAttributeNames("All")
                .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).join().messages();
    }
}
