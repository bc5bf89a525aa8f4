package dev.sluice.sqs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.ConfigurationException;
import dev.sluice.Scheduler;
import dev.sluice.spi.DriverContext;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The URI forms, parameters and the environment, without a server. */
class SqsAddressTest {
    private static SqsAddress parse(String uri, Map<String, String> env) {
        return SqsAddress.parse(URI.create(uri), new DriverContext(Scheduler.system(), env::get));
    }

    private static SqsAddress parse(String uri) {
        return parse(uri, Map.of());
    }

    @Test
    void byName() {
        SqsAddress a = parse("sqs://orders.fifo?region=eu-west-1&group=default");
        assertThat(a.name()).isEqualTo("orders.fifo");
        assertThat(a.fifo()).isTrue();
        assertThat(a.region()).isEqualTo("eu-west-1");
        assertThat(a.endpoint()).isNull();
        assertThat(a.group()).isEqualTo("default");
        assertThat(a.defaultDeadLetterUri()).isEqualTo(URI.create("sqs://orders-dlq.fifo?region=eu-west-1"));
    }

    @Test
    void byAccountAndName() {
        SqsAddress a = parse("sqs://123456789012/orders?region=us-east-2");
        assertThat(a.ownerAccount()).isEqualTo("123456789012");
        assertThat(a.name()).isEqualTo("orders");
        assertThat(a.defaultDeadLetterUri()).isEqualTo(URI.create("sqs://123456789012/orders-dlq?region=us-east-2"));
    }

    @Test
    void byQueueUrl() {
        SqsAddress aws = parse("sqs://?url=https%3A%2F%2Fsqs.eu-west-1.amazonaws.com%2F123456789012%2Forders");
        assertThat(aws.queueUrl()).isEqualTo("https://sqs.eu-west-1.amazonaws.com/123456789012/orders");
        assertThat(aws.region()).isEqualTo("eu-west-1");
        assertThat(aws.endpoint()).isNull();
        assertThat(aws.defaultDeadLetterUri().getQuery()).isEqualTo("url=https://sqs.eu-west-1.amazonaws.com/123456789012/orders-dlq");

        SqsAddress local = parse("sqs://?url=http://127.0.0.1:9324/000000000000/jobs");
        assertThat(local.endpoint()).isEqualTo(URI.create("http://127.0.0.1:9324"));
        assertThat(local.region()).isEqualTo("us-east-1");
    }

    @Test
    void endpointAndRegionFromTheEnvironment() {
        SqsAddress a = parse("sqs://jobs", Map.of("AWS_ENDPOINT_URL", "http://127.0.0.1:1", "AWS_ENDPOINT_URL_SQS",
                "http://127.0.0.1:2", "AWS_REGION", "ap-south-1"));
        assertThat(a.endpoint()).isEqualTo(URI.create("http://127.0.0.1:2"));
        assertThat(a.region()).isEqualTo("ap-south-1");
        assertThat(parse("sqs://jobs?endpoint=http://127.0.0.1:3", Map.of("AWS_ENDPOINT_URL_SQS", "http://127.0.0.1:2"))
                .endpoint()).isEqualTo(URI.create("http://127.0.0.1:3"));
        assertThat(parse("sqs://jobs", Map.of("AWS_ENDPOINT_URL", "http://127.0.0.1:1")).endpoint())
                .isEqualTo(URI.create("http://127.0.0.1:1"));
    }

    @Test
    void mistakesNameWhatIsWrong() {
        assertThatThrownBy(() -> parse("sqs://orders?regoin=eu-west-1")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("unknown parameter 'regoin'");
        assertThatThrownBy(() -> parse("sqs://orders?group=g")).hasMessageContaining("group= is for FIFO queues");
        assertThatThrownBy(() -> parse("sqs://ord ers".replace(" ", "%20"))).hasMessageContaining("is not an SQS queue name");
        assertThatThrownBy(() -> parse("sqs://acme/orders")).hasMessageContaining("12-digit");
        assertThatThrownBy(() -> parse("sqs://?region=eu-west-1")).hasMessageContaining("names no queue");
        assertThatThrownBy(() -> parse("sqs://orders?endpoint=nonsense")).hasMessageContaining("endpoint 'nonsense'");
        assertThatThrownBy(() -> parse("sqs://" + "x".repeat(74) + ".fifo").defaultDeadLetterUri())
                .hasMessageContaining("QueueSpec.deadLetterQueue");
    }

    @Test
    void deduplicationIdsSqsRefusesAreHashed() {
        assertThat(SqsDriver.deduplicationId("order-42")).isEqualTo("order-42");
        assertThat(SqsDriver.deduplicationId("x".repeat(129))).hasSize(64);
        assertThat(SqsDriver.deduplicationId("with space")).hasSize(64);
    }

    @Test
    void bodies() {
        assertThat(SqsBody.encode(new byte[0]).dataType()).isEqualTo(SqsBody.EMPTY_TYPE);
        assertThat(SqsBody.encode("plain".getBytes()).dataType()).isEqualTo("String");
        assertThat(SqsBody.encode("a\u0001b".getBytes()).dataType()).isEqualTo(SqsBody.BASE64_TYPE);
        assertThat(SqsBody.decode(SqsBody.encode(new byte[] {1, 2}).text(), java.util.List.of(SqsBody.BASE64_TYPE)))
                .containsExactly(1, 2);
    }
}
