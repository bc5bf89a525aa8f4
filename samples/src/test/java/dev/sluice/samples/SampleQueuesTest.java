package dev.sluice.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.ConfigurationException;
import dev.sluice.QueueSpec;
import dev.sluice.samples.welcome.WelcomeEmailSample;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SampleQueuesTest {

    @Test
    void defaultsToMemoryQueueNamedAfterTheSample() {
        QueueSpec spec = WelcomeEmailSample.spec(SampleQueues.from(k -> null, k -> null));

        assertThat(spec.uri()).isEqualTo(URI.create("mem://welcome-email"));
        assertThat(spec.maxDeliveryAttempts()).isEqualTo(3);
    }

    @Test
    void environmentVariablesUseTheRuntimeNames() {
        Map<String, String> env = Map.of(
                "SLUICE_QUEUE_WELCOME_EMAIL_URI", "sqs://welcome-email?region=eu-west-1",
                "SLUICE_QUEUE_WELCOME_EMAIL_DLQ", "sqs://welcome-email-dlq?region=eu-west-1",
                "SLUICE_QUEUE_WELCOME_EMAIL_MAX_DELIVERY_ATTEMPTS", "5");

        QueueSpec spec = WelcomeEmailSample.spec(SampleQueues.from(k -> null, env::get));

        assertThat(spec.uri()).isEqualTo(URI.create("sqs://welcome-email?region=eu-west-1"));
        assertThat(spec.deadLetterUri()).isEqualTo(URI.create("sqs://welcome-email-dlq?region=eu-west-1"));
        assertThat(spec.maxDeliveryAttempts()).isEqualTo(5);
        assertThat(spec.retryPolicy()).isEqualTo(WelcomeEmailSample.spec().retryPolicy());
    }

    @Test
    void systemPropertyWinsOverEnvironment() {
        Map<String, String> props = Map.of("sluice.queue.welcome-email.uri", "mem://from-property");
        Map<String, String> env = Map.of("SLUICE_QUEUE_WELCOME_EMAIL_URI", "mem://from-env");

        assertThat(WelcomeEmailSample.spec(SampleQueues.from(props::get, env::get)).uri())
                .isEqualTo(URI.create("mem://from-property"));
    }

    @Test
    void badNumberNamesTheSetting() {
        Map<String, String> env = Map.of("SLUICE_QUEUE_WELCOME_EMAIL_CONCURRENCY", "eight");

        assertThatThrownBy(() -> WelcomeEmailSample.spec(SampleQueues.from(k -> null, env::get)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("SLUICE_QUEUE_WELCOME_EMAIL_CONCURRENCY").hasMessageContaining("eight");
    }
}
