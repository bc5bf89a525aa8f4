package dev.sluice.sqs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.spi.InboundMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/** The Lambda host and the poller decode identical bytes identically: one inbound translation. */
class SqsLambdaEventTest {

    private static List<SqsLambdaEvent.Record> read(String json) throws IOException {
        return SqsLambdaEvent.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aMarkedBinaryBodyAndTypedAttributesDecodeAsThePollerDecodesThem() throws IOException {
        byte[] data = {0, 1, 2, (byte) 0xff, 10};
        SqsBody.Encoded body = SqsBody.encode(data);
        String json = """
                {"Records":[{"messageId":"m-1","receiptHandle":"rh-1","body":"%s",
                  "attributes":{"ApproximateReceiveCount":"2","SentTimestamp":"1764000000000","MessageGroupId":"g-1"},
                  "messageAttributes":{
                    "ce-id":{"stringValue":"e-1","stringListValues":[],"binaryListValues":[],"dataType":"%s"},
                    "ce-blob":{"binaryValue":"%s","stringListValues":[],"binaryListValues":[],"dataType":"Binary"}},
                  "eventSource":"aws:sqs","eventSourceARN":"arn:aws:sqs:eu-west-1:123456789012:orders.fifo"}]}
                """.formatted(body.text(), body.dataType(), Base64.getEncoder().encodeToString(new byte[] {7, 8}));

        SqsLambdaEvent.Record record = read(json).get(0);
        Message same = Message.builder().messageId("m-1").receiptHandle("rh-1").body(body.text())
                .attributes(java.util.Map.of(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, "2",
                        MessageSystemAttributeName.SENT_TIMESTAMP, "1764000000000",
                        MessageSystemAttributeName.MESSAGE_GROUP_ID, "g-1"))
                .messageAttributes(java.util.Map.of(
                        "ce-id", MessageAttributeValue.builder().dataType(body.dataType()).stringValue("e-1").build(),
                        "ce-blob", MessageAttributeValue.builder().dataType("Binary")
                                .binaryValue(SdkBytes.fromByteArray(new byte[] {7, 8})).build())).build();
        InboundMessage polled = SqsInbound.toInbound(same, true);

        InboundMessage lambda = record.message();
        assertThat(lambda.body()).isEqualTo(data).isEqualTo(polled.body());
        assertThat(lambda.attributes()).isEqualTo(polled.attributes()).containsEntry("ce-id", "e-1");
        assertThat(lambda.attempt()).isEqualTo(polled.attempt());
        assertThat(lambda.orderingKey()).isEqualTo("g-1").isEqualTo(polled.orderingKey());
        assertThat(lambda.publishTime()).isEqualTo(polled.publishTime());
        assertThat(lambda.unwrap(Message.class)).isPresent();
        assertThat(record.queueName()).isEqualTo("orders.fifo");
        assertThat(record.fromFifoQueue()).isTrue();
    }

    @Test
    void aMalformedRecordIsNamedByItsIdNeverByItsBody() {
        String json = """
                {"Records":[{"messageId":"m-7","body":"card 4111-1111-1111-1111","attributes":{},
                  "eventSourceARN":"arn:aws:sqs:eu-west-1:123456789012:orders"}]}
                """;
        assertThatThrownBy(() -> read(json)).isInstanceOf(IOException.class)
                .hasMessageContaining("m-7").hasMessageContaining("receiptHandle").hasMessageNotContaining("4111");
    }

    @Test
    void anEventThatIsNotAnSqsEventIsRefusedClearly() {
        assertThatThrownBy(() -> read("{\"detail-type\":\"Scheduled Event\"}")).hasMessageContaining("\"Records\"");
        assertThatThrownBy(() -> read("{\"Records\": [")).hasMessageContaining("not valid JSON");
    }
}
