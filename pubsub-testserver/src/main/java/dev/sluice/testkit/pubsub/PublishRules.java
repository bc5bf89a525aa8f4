package dev.sluice.testkit.pubsub;

import com.google.pubsub.v1.PublishRequest;
import com.google.pubsub.v1.PubsubMessage;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** The service's limits on a PublishRequest; each breach is INVALID_ARGUMENT. */
final class PublishRules {

    static final int MAX_MESSAGES = 1000;
    static final int MAX_REQUEST_BYTES = 10_000_000;
    static final int MAX_ATTRIBUTES = 100;
    static final int MAX_ATTRIBUTE_KEY_BYTES = 256;
    static final int MAX_ATTRIBUTE_VALUE_BYTES = 1024;
    static final int MAX_ORDERING_KEY_BYTES = 1024;

    private PublishRules() {}

    static void check(PublishRequest request) {
        if (request.getMessagesCount() == 0) {
            throw Errors.invalid("The request contains no messages.");
        }
        if (request.getMessagesCount() > MAX_MESSAGES) {
            throw Errors.invalid("The value for message_count is too large. You passed "
                    + request.getMessagesCount() + " in the request, but the maximum value is " + MAX_MESSAGES + ".");
        }
        if (request.getSerializedSize() > MAX_REQUEST_BYTES) {
            throw Errors.invalid("The value for request_size is too large. You passed " + request.getSerializedSize()
                    + " in the request, but the maximum value is " + MAX_REQUEST_BYTES + ".");
        }
        request.getMessagesList().forEach(PublishRules::check);
    }

    private static void check(PubsubMessage message) {
        if (message.getData().isEmpty() && message.getAttributesCount() == 0) {
            throw Errors.invalid("Some messages contain no data and no attribute field.");
        }
        if (message.getAttributesCount() > MAX_ATTRIBUTES) {
            throw Errors.invalid("Some messages contain too many attributes: " + message.getAttributesCount()
                    + ". The maximum is " + MAX_ATTRIBUTES + ".");
        }
        for (Map.Entry<String, String> attribute : message.getAttributesMap().entrySet()) {
            int keyBytes = bytes(attribute.getKey());
            if (keyBytes == 0 || keyBytes > MAX_ATTRIBUTE_KEY_BYTES) {
                throw Errors.invalid("Some messages contain an attribute key of " + keyBytes
                        + " bytes; keys must be 1 to " + MAX_ATTRIBUTE_KEY_BYTES + " bytes.");
            }
            if (attribute.getKey().startsWith("goog")) {
                throw Errors.invalid("Attribute keys must not start with 'goog': " + attribute.getKey());
            }
            if (bytes(attribute.getValue()) > MAX_ATTRIBUTE_VALUE_BYTES) {
                throw Errors.invalid("The value of attribute '" + attribute.getKey() + "' is longer than "
                        + MAX_ATTRIBUTE_VALUE_BYTES + " bytes.");
            }
        }
        if (bytes(message.getOrderingKey()) > MAX_ORDERING_KEY_BYTES) {
            throw Errors.invalid("The ordering key is longer than " + MAX_ORDERING_KEY_BYTES + " bytes.");
        }
    }

    private static int bytes(String value) {
        return value.getBytes(StandardCharsets.UTF_8).length;
    }
}
