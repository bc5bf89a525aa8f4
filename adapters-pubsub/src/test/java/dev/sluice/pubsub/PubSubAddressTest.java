package dev.sluice.pubsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.ConfigurationException;
import java.net.URI;
import org.junit.jupiter.api.Test;

class PubSubAddressTest {

    @Test
    void parsesProjectTopicSubscriptionAndEndpoint() {
        PubSubAddress a = PubSubAddress.parse(URI.create(
                "pubsub://projects/acme/topics/orders?subscription=orders-worker&endpoint=127.0.0.1:8085"));

        assertThat(a.project()).isEqualTo("acme");
        assertThat(a.topicName()).isEqualTo("projects/acme/topics/orders");
        assertThat(a.subscriptionName()).isEqualTo("projects/acme/subscriptions/orders-worker");
        assertThat(a.endpoint()).isEqualTo("127.0.0.1:8085");
    }

    @Test
    void acceptsAFullSubscriptionNameOfTheSameProject() {
        PubSubAddress a = PubSubAddress.parse(URI.create(
                "pubsub://projects/acme/topics/orders?subscription=projects/acme/subscriptions/orders-worker"));

        assertThat(a.subscription()).isEqualTo("orders-worker");
    }

    @Test
    void missingProjectIsNamed() {
        assertThatThrownBy(() -> PubSubAddress.parse(URI.create("pubsub://topics/orders?subscription=s1x")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("project is missing")
                .hasMessageContaining(PubSubAddress.FORM);
        assertThatThrownBy(() -> PubSubAddress.parse(URI.create("pubsub://projects//topics/orders")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("project is missing");
    }

    @Test
    void missingTopicIsNamed() {
        assertThatThrownBy(() -> PubSubAddress.parse(URI.create("pubsub://projects/acme?subscription=sub")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("topic is missing");
    }

    @Test
    void invalidIdsAndUnknownParametersAreNamed() {
        assertThatThrownBy(() -> PubSubAddress.parse(URI.create("pubsub://projects/acme/topics/1x")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("topic '1x'");
        assertThatThrownBy(() -> PubSubAddress.parse(URI.create("pubsub://projects/acme/topics/orders?subscription=goog-sub")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("subscription 'goog-sub'");
        assertThatThrownBy(() -> PubSubAddress.parse(URI.create("pubsub://projects/acme/topics/orders?region=eu")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("unknown parameter 'region'");
        assertThatThrownBy(() -> PubSubAddress.parse(URI.create(
                "pubsub://projects/acme/topics/orders?subscription=projects/other/subscriptions/sub")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("another project");
    }

    @Test
    void aPublisherOnlyUriParsesButNamesNoSubscription() {
        PubSubAddress a = PubSubAddress.parse(URI.create("pubsub://projects/acme/topics/orders"));

        assertThat(a.subscription()).isNull();
        assertThatThrownBy(a::subscriptionName).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("names no subscription").hasMessageContaining("?subscription=");
    }
}
