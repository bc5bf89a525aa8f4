package dev.sluice.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.PublishOptions;
import dev.sluice.Publisher;
import dev.sluice.RecordingDriver;
import dev.sluice.SluiceException;
import dev.sluice.spi.Capabilities;
import io.cloudevents.CloudEvent;
import io.cloudevents.CloudEventData;
import io.cloudevents.SpecVersion;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.time.OffsetDateTime;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Publisher's checks of an event before anything is sent, for every broker profile: an event over the
 * broker's size limit, and an event missing a required attribute, are refused naming the event and what is
 * wrong, and nothing reaches the driver. (Moved out of the conformance suite: no broker needed.)
 */
class PublisherValidationTest {

    static Stream<Arguments> profiles() {
        return BrokerProfiles.all().map(caps -> Arguments.of(caps.broker(), caps));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("profiles")
    void anEventOverTheBrokersSizeLimitIsRefusedBeforeSending(String broker, Capabilities caps) {
        RecordingDriver.Provider provider = new RecordingDriver.Provider(caps);
        try (Sluice sluice = Sluice.builder().driver(provider).build()) {
            Publisher publisher = sluice.publisher("fake://oversized");
            CloudEvent big = CloudEventBuilder.v1().withId("big-1").withSource(URI.create("/s")).withType("t")
                    .withData("text/plain", new byte[caps.maxMessageBytes() + 1]).build();

            assertThatThrownBy(() -> publisher.publish(big, options(caps)))
                    .isInstanceOf(SluiceException.class)
                    .hasMessageContaining("big-1").hasMessageContaining(String.valueOf(caps.maxMessageBytes()));
            assertThat(provider.drivers.values()).allSatisfy(d -> assertThat(d.batches).as("sent to " + d.uri()).isEmpty());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("profiles")
    void anEventAtTheBrokersSizeLimitIsSent(String broker, Capabilities caps) throws Exception {
        RecordingDriver.Provider provider = new RecordingDriver.Provider(caps);
        try (Sluice sluice = Sluice.builder().driver(provider).build()) {
            Publisher publisher = sluice.publisher("fake://small");
            CloudEvent small = CloudEventBuilder.v1().withId("small-1").withSource(URI.create("/s")).withType("t")
                    .withData("text/plain", new byte[1000]).build();

            publisher.publish(small, options(caps)).get();

            assertThat(provider.drivers.get(URI.create("fake://small")).sent()).hasSize(1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("profiles")
    void anEventMissingARequiredAttributeIsRefusedNamingIt(String broker, Capabilities caps) {
        RecordingDriver.Provider provider = new RecordingDriver.Provider(caps);
        try (Sluice sluice = Sluice.builder().driver(provider).build()) {
            Publisher publisher = sluice.publisher("fake://invalid");
            CloudEvent noType = new MissingTypeEvent(CloudEventBuilder.v1().withId("bad-1").withSource(URI.create("/s"))
                    .withType("placeholder").build());

            assertThatThrownBy(() -> publisher.publish(noType, options(caps)))
                    .isInstanceOf(SluiceException.class).hasMessageContaining("bad-1").hasMessageContaining("'type'");
            assertThat(provider.drivers.values()).allSatisfy(d -> assertThat(d.batches).isEmpty());
        }
    }

    /** Brokers that need a key on every message (SQS FIFO) get one. */
    private static PublishOptions options(Capabilities caps) {
        return caps.ordering() ? PublishOptions.orderingKey("k") : PublishOptions.NONE;
    }

    /** An event whose type is missing, as a hand-written CloudEvent implementation might produce. */
    private record MissingTypeEvent(CloudEvent delegate) implements CloudEvent {
        @Override public CloudEventData getData() { return delegate.getData(); }
        @Override public SpecVersion getSpecVersion() { return delegate.getSpecVersion(); }
        @Override public String getId() { return delegate.getId(); }
        @Override public String getType() { return null; }
        @Override public URI getSource() { return delegate.getSource(); }
        @Override public String getDataContentType() { return null; }
        @Override public URI getDataSchema() { return null; }
        @Override public String getSubject() { return null; }
        @Override public OffsetDateTime getTime() { return null; }
        @Override public Object getAttribute(String name) { return delegate.getAttribute(name); }
        @Override public Object getExtension(String name) { return null; }
        @Override public Set<String> getExtensionNames() { return Set.of(); }
    }
}
