package dev.sluice.sqs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.ConfigurationException;
import dev.sluice.PermanentFailureException;
import dev.sluice.QueueSpec;
import dev.sluice.core.Sluice;
import dev.sluice.spi.InboundMessage;
import dev.sluice.spi.QueueDriver;
import dev.sluice.worker.Worker;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** Driver behaviour the conformance suite does not reach: interrupts, provisioning, SQS's own redrive. */
class SqsDriverTest {
    private static ElasticMq mq;
    private static SqsAsyncClient plain;
    private static Sluice sluice;

    @BeforeAll
    static void start() {
        mq = ElasticMq.start();
        plain = mq.client();
        sluice = mq.sluice();
    }

    @AfterAll
    static void stop() {
        sluice.close();
        plain.close();
        mq.close();
    }

    private static Map<String, String> attributes(String name) {
        String url = plain.getQueueUrl(b -> b.queueName(name)).join().queueUrl();
        return plain.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.ALL)).join().attributesAsStrings();
    }

    @Test
    void messagesArrivingForAnInterruptedReceiveAreReleased() throws Exception {
        QueueSpec spec = QueueSpec.builder("sqs://interrupted").lease(Duration.ofSeconds(60)).build();
        QueueDriver driver = sluice.open(spec).driver();
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        Thread receiver = new Thread(() -> {
            try {
                outcome.set(new AssertionError("returned " + driver.receive(10, Duration.ofSeconds(20))));
            } catch (Throwable t) {
                outcome.set(t);
            }
            done.countDown();
        });
        receiver.start();
        TimeUnit.MILLISECONDS.sleep(500); // the long poll is on the server now
        receiver.interrupt();
        assertThat(done.await(5, TimeUnit.SECONDS)).as("receive returned on interrupt").isTrue();
        assertThat(outcome.get()).isInstanceOf(InterruptedException.class);

        String url = driver.unwrap(String.class).orElseThrow();
        plain.sendMessage(b -> b.queueUrl(url).messageBody("late")).join();

        // the abandoned poll takes it with a 60 s lease and gives it back at once
        List<InboundMessage> again = List.of();
        for (int i = 0; i < 10 && again.isEmpty(); i++) again = driver.receive(10, Duration.ofSeconds(1));
        assertThat(again).singleElement().satisfies(m -> assertThat(m.attempt().getAsInt()).isEqualTo(2));
        driver.ack(again);
    }

    @Test
    void provisionCreatesQueueAndDeadLetterQueueAsTheSpecSays() {
        QueueSpec spec = QueueSpec.builder("sqs://made.fifo").maxDeliveryAttempts(4).lease(Duration.ofSeconds(45)).build();
        sluice.open(spec);
        Map<String, String> source = attributes("made.fifo");
        Map<String, String> dlq = attributes("made-dlq.fifo");
        assertThat(source).containsEntry("FifoQueue", "true").containsEntry("VisibilityTimeout", "45");
        // FIFO: 10 receives per attempt, for the give-backs of later messages of a group behind a failure
        assertThat(source.get("RedrivePolicy")).contains("\"maxReceiveCount\":40").contains(dlq.get("QueueArn"));
        assertThat(dlq).containsEntry("FifoQueue", "true");
        assertThat(sluice.driver(URI.create("sqs://made.fifo")).unwrap(SqsAsyncClient.class)).isPresent();

        sluice.open(QueueSpec.builder("sqs://made").maxDeliveryAttempts(4).build());
        assertThat(attributes("made").get("RedrivePolicy")).contains("\"maxReceiveCount\":4");
        sluice.open(QueueSpec.builder("sqs://made.fifo").maxDeliveryAttempts(4).provisioning(QueueSpec.Provisioning.VERIFY).build());
    }

    @Test
    void fifoQueueWhoseRedriveCountsGiveBacksAsAttemptsIsAMismatch() {
        String dlqUrl = plain.createQueue(b -> b.queueName("tight-dlq.fifo").attributesWithStrings(Map.of("FifoQueue", "true")))
                .join().queueUrl();
        String dlqArn = plain.getQueueAttributes(b -> b.queueUrl(dlqUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .join().attributesAsStrings().get("QueueArn");
        plain.createQueue(b -> b.queueName("tight.fifo").attributesWithStrings(Map.of("FifoQueue", "true", "RedrivePolicy",
                "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":3}"))).join();
        assertThatThrownBy(() -> sluice.open(QueueSpec.builder("sqs://tight.fifo").maxDeliveryAttempts(3).build()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("maxReceiveCount is 3 but the spec's maxDeliveryAttempts is 3, which needs 30 on a FIFO queue")
                .hasMessageContaining("before their last attempt, without a reason");
    }

    @Test
    void fifoQueueAllowsAtMostOneHundredAttempts() {
        assertThatThrownBy(() -> sluice.open(QueueSpec.builder("sqs://many.fifo").maxDeliveryAttempts(101).build()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("maxDeliveryAttempts is 101; SQS FIFO accepts 1..100");
        sluice.open(QueueSpec.builder("sqs://many").maxDeliveryAttempts(1000).build());
        assertThat(attributes("many").get("RedrivePolicy")).contains("\"maxReceiveCount\":1000");
    }

    @Test
    void existingQueueThatContradictsTheSpecFailsAtStartUpUnlessDowngraded() {
        String dlqUrl = plain.createQueue(b -> b.queueName("legacy-dlq")).join().queueUrl();
        String dlqArn = plain.getQueueAttributes(b -> b.queueUrl(dlqUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .join().attributesAsStrings().get("QueueArn");
        plain.createQueue(b -> b.queueName("legacy").attributesWithStrings(Map.of("RedrivePolicy",
                "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":7}"))).join();
        QueueSpec spec = QueueSpec.builder("sqs://legacy").maxDeliveryAttempts(3).build();

        assertThatThrownBy(() -> sluice.worker(spec).on("x", (e, d) -> { }).start())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("maxReceiveCount is 7 but the spec's maxDeliveryAttempts is 3")
                .hasMessageContaining("failOnMismatch(false)");
        try (Worker w = sluice.worker(spec.toBuilder().failOnMismatch(false).build()).on("x", (e, d) -> { }).start()) {
            assertThat(w.spec().maxDeliveryAttempts()).isEqualTo(3);
        }
    }

    @Test
    void deadLetterQueueOfTheOtherTypeIsAMismatch() {
        QueueSpec spec = QueueSpec.builder("sqs://typed.fifo").deadLetterQueue("sqs://typed-dlq").build();
        assertThatThrownBy(() -> sluice.open(spec)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("typed-dlq is a standard queue but typed.fifo is a FIFO queue");
    }

    @Test
    void sqsRedriveMovesDeadLettersBackWithItsStatus() throws Exception {
        QueueSpec spec = QueueSpec.of("sqs://movable");
        Sluice.OpenQueue queue = sluice.open(spec);
        try (Worker w = sluice.worker(spec).withoutLogging().on("t", (e, d) -> {
            throw new PermanentFailureException("not now");
        }).start()) {
            sluice.publisher(spec.uri()).publish(CloudEventBuilder.v1().withId("m-1").withSource(URI.create("/s"))
                    .withType("t").withData("text/plain", "x".getBytes(java.nio.charset.StandardCharsets.UTF_8)).build())
                    .get(30, TimeUnit.SECONDS);
            for (int i = 0; i < 100 && sluice.deadLetters(spec).peek(1).isEmpty(); i++) TimeUnit.MILLISECONDS.sleep(50);
        }
        SqsRedrive redrive = queue.deadLetterQueue().unwrap(SqsRedrive.class).orElseThrow();
        String handle = redrive.start();
        SqsRedrive.Task task = null;
        for (int i = 0; i < 100; i++) {
            task = redrive.status(handle).orElseThrow();
            if (task.finished()) break;
            TimeUnit.MILLISECONDS.sleep(100);
        }
        assertThat(task.status()).isEqualTo("COMPLETED");
        List<InboundMessage> back = queue.driver().receive(10, Duration.ofSeconds(5));
        assertThat(back).singleElement().satisfies(m -> assertThat(m.attributes()).containsEntry("ce-id", "m-1"));
    }
}
