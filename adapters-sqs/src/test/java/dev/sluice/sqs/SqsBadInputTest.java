package dev.sluice.sqs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.ConfigurationException;
import dev.sluice.ErrorCode;
import dev.sluice.PublishOptions;
import dev.sluice.QueueSpec;
import dev.sluice.core.Sluice;
import dev.sluice.SluiceException;
import dev.sluice.spi.OutboundMessage;
import dev.sluice.spi.QueueDriver;
import dev.sluice.spi.SendResult;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bad input fails with a message naming the queue, the limit and what to do. */
class SqsBadInputTest {
    private static ElasticMq mq;
    private static Sluice sluice;

    @BeforeAll
    static void start() {
        mq = ElasticMq.start();
        sluice = mq.sluice();
    }

    @AfterAll
    static void stop() {
        sluice.close();
        mq.close();
    }

    private static CloudEvent event(String id) {
        return CloudEventBuilder.v1().withId(id).withSource(URI.create("/bad")).withType("bad.input").build();
    }

    private static Throwable publishFailure(String uri, CloudEvent e, PublishOptions options) throws Exception {
        try {
            sluice.publisher(uri).publish(e, options).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException x) {
            return x.getCause();
        }
        throw new AssertionError("publish to " + uri + " succeeded");
    }

    @Test
    void queueThatDoesNotExist() throws Exception {
        Throwable t = publishFailure("sqs://no-such-queue", event("lost-1"), PublishOptions.NONE);
        assertThat(t).isInstanceOf(SluiceException.class);
        assertThat(((SluiceException) t).code()).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(t.getMessage()).contains("lost-1", "'no-such-queue'", "does not exist", "region us-east-1", "region=");

        QueueSpec verifyOnly = QueueSpec.builder("sqs://no-such-queue").provisioning(QueueSpec.Provisioning.VERIFY).build();
        assertThatThrownBy(() -> sluice.worker(verifyOnly).on("x", (e, d) -> { }).start())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("does not exist")
                .hasMessageContaining("VERIFY");
    }

    @Test
    void wrongRegion() {
        try (Sluice aws = Sluice.builder().environment(k -> null).driver(new SqsDriverProvider(ElasticMq.TEST_CREDENTIALS)).build()) {
            assertThatThrownBy(() -> aws.driver(URI.create("sqs://orders?region=europe-west1")))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("'europe-west1' is not an AWS region").hasMessageContaining("Google Cloud");
            assertThatThrownBy(() -> aws.driver(URI.create(
                    "sqs://?url=https://sqs.eu-west-1.amazonaws.com/123456789012/orders&region=us-east-1")))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("queue URL is in region eu-west-1 but region=us-east-1");
        }
    }

    @Test
    void bodyOverTheSizeLimit() {
        QueueDriver driver = sluice.open(QueueSpec.of("sqs://too-big")).driver();
        SendResult r = driver.send(List.of(new OutboundMessage("big-1", new byte[1_048_577], Map.of(), null, null,
                Duration.ZERO))).get(0);
        assertThat(r.succeeded()).isFalse();
        assertThat(r.error().code()).isEqualTo(ErrorCode.INVALID);
        assertThat(r.error().message()).contains("1048576", "S3");
    }

    @Test
    void tooManyAttributesOnARawMessage() {
        QueueDriver driver = sluice.open(QueueSpec.of("sqs://many-attributes")).driver();
        Map<String, String> attributes = new HashMap<>();
        for (int i = 0; i < 11; i++) attributes.put("a" + i, "v");
        SendResult r = driver.send(List.of(new OutboundMessage("attrs-1", "x".getBytes(), attributes, null, null,
                Duration.ZERO))).get(0);
        assertThat(r.error().code()).isEqualTo(ErrorCode.INVALID);
        assertThat(r.error().message()).contains("11 attributes", "at most 10");
    }

    @Test
    void fifoPublishWithoutAGroup() throws Exception {
        sluice.open(QueueSpec.builder("sqs://groupless.fifo").build());
        Throwable t = publishFailure("sqs://groupless.fifo", event("nogroup-1"), PublishOptions.NONE);
        assertThat(t).isInstanceOf(SluiceException.class);
        assertThat(((SluiceException) t).code()).isEqualTo(ErrorCode.INVALID);
        assertThat(t.getMessage()).contains("nogroup-1", "message group", "PublishOptions.orderingKey", "?group=");

        // the documented way out: a default group in the URI
        sluice.publisher("sqs://groupless.fifo?group=default").publish(event("nogroup-2")).get(30, TimeUnit.SECONDS);
        var m = sluice.driver(URI.create("sqs://groupless.fifo")).receive(1, Duration.ofSeconds(5));
        assertThat(m).singleElement().satisfies(x -> assertThat(x.orderingKey()).isEqualTo("default"));
    }

    @Test
    void orderingKeyOnAStandardQueue() {
        QueueDriver driver = sluice.open(QueueSpec.of("sqs://unordered")).driver();
        SendResult r = driver.send(List.of(new OutboundMessage("key-1", "x".getBytes(), Map.of(), "k", null,
                Duration.ZERO))).get(0);
        assertThat(r.error().code()).isEqualTo(ErrorCode.INVALID);
        assertThat(r.error().message()).contains("standard queue", ".fifo");
    }
}
