package dev.sluice.runtime.hosts;

import dev.sluice.codec.CloudEventCodec;
import dev.sluice.runtime.brokers.ElasticMq;
import java.net.URI;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** The broker's own view of an SQS queue on ElasticMQ, through a plain SDK client (outside Sluice). */
final class SqsView {
    private final SqsAsyncClient client;

    SqsView(ElasticMq sqs) {
        this.client = sqs.client();
    }

    SqsAsyncClient client() {
        return client;
    }

    /** The queue URL of {@code sqs://<name>?...}. */
    String url(URI uri) {
        return client.getQueueUrl(b -> b.queueName(uri.getAuthority())).join().queueUrl();
    }

    /** Receives what is visible now, as Lambda's poller does (every attribute, the queue's visibility timeout). */
    List<Message> receive(String url) {
        return client.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(0)
                .messageAttributeNames("All").messageSystemAttributeNames(MessageSystemAttributeName.ALL)).join().messages();
    }

    void release(String url, Message m) {
        client.changeMessageVisibility(b -> b.queueUrl(url).receiptHandle(m.receiptHandle()).visibilityTimeout(0)).join();
    }

    void delete(String url, Message m) {
        client.deleteMessage(b -> b.queueUrl(url).receiptHandle(m.receiptHandle())).join();
    }

    /** Messages the queue holds in any state (visible, in flight, delayed). */
    int held(URI uri) {
        Map<QueueAttributeName, String> a = client.getQueueAttributes(b -> b.queueUrl(url(uri)).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)).join().attributes();
        return a.values().stream().mapToInt(Integer::parseInt).sum();
    }

    /**
     * Throws {@link Host.MovedByBroker} when the broker's redrive policy moved {@code waitingFor} to the dead-letter
     * queue by itself: the DLQ holds more messages than the host sent it, and one of them is that event without a
     * dead-letter reason.
     */
    void checkNotMovedByBroker(URI deadLetterUri, BrokerLog log, Host.Sent waitingFor) {
        int sentByHost = log.sendsTo(deadLetterUri);
        if (held(deadLetterUri) <= sentByHost) return;
        String url = url(deadLetterUri);
        boolean moved = false;
        for (Message m : receive(url)) {
            var id = m.messageAttributes().get("ce-id");
            if (id != null && waitingFor.eventId().equals(id.stringValue())
                    && !m.messageAttributes().containsKey(CloudEventCodec.DEAD_LETTER_ATTRIBUTE)) {
                moved = true;
            }
            release(url, m);
        }
        if (moved) {
            throw new Host.MovedByBroker("the broker's redrive policy moved message " + waitingFor.eventId() + " to "
                    + deadLetterUri.getAuthority() + " by itself (it is there without a dead-letter reason) while the host"
                    + " waited for it to be delivered again");
        }
    }

    void close() {
        // the client is the server's
    }
}
