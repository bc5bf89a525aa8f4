package dev.sluice.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.ConfigurationException;
import dev.sluice.ErrorCode;
import dev.sluice.OutgoingEvent;
import dev.sluice.PublishOptions;
import dev.sluice.PublishResult;
import dev.sluice.Publisher;
import dev.sluice.RecordingDriver;
import dev.sluice.SluiceException;
import dev.sluice.spi.Capabilities;
import dev.sluice.spi.DriverError;
import dev.sluice.spi.OutboundMessage;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PublisherTest {
    private final RecordingDriver.Provider provider =
            new RecordingDriver.Provider(Capabilities.builder("Fake MQ").maxMessageBytes(1000).build());
    private final Sluice sluice = Sluice.builder().driver(provider).build();
    private final Publisher publisher = sluice.publisher("fake://orders");

    @AfterEach
    void close() {
        sluice.close();
    }

    private RecordingDriver driver() {
        return provider.drivers.get(URI.create("fake://orders"));
    }

    private static CloudEvent event(String id) {
        return CloudEventBuilder.v1().withId(id).withSource(URI.create("/t")).withType("t").build();
    }

    @Test
    void manyEventsAreSentInBatchesOfTheBrokersMaximum() throws Exception {
        List<OutgoingEvent> events = new ArrayList<>();
        for (int i = 0; i < 25; i++) events.add(OutgoingEvent.of(event("e" + i)));

        List<PublishResult> results = publisher.publishAll(events).get();

        assertThat(results).extracting(PublishResult::messageId).contains("id-e0", "id-e24").hasSize(25);
        assertThat(driver().batches).allSatisfy(b -> assertThat(b).hasSizeLessThanOrEqualTo(10));
        assertThat(driver().batches).hasSize(3);
    }

    @Test
    void anOversizedEventFailsBeforeAnythingIsSentNamingItsSizeAndTheLimit() {
        CloudEvent big = CloudEventBuilder.v1().withId("big").withSource(URI.create("/t")).withType("t")
                .withData("text/plain", new byte[2000]).build();

        assertThatThrownBy(() -> publisher.publishAll(List.of(OutgoingEvent.of(event("ok")), OutgoingEvent.of(big))))
                .isInstanceOf(SluiceException.class)
                .hasMessageContaining("event 'big'").hasMessageContaining("1000 bytes").hasMessageMatching("(?s).*20\\d\\d bytes.*");
        assertThat(provider.drivers.get(URI.create("fake://orders"))).satisfiesAnyOf(
                d -> assertThat(d).isNull(), d -> assertThat(d.batches).isEmpty());
    }

    @Test
    void optionsTheBrokerLacksAreRefusedNamingTheBroker() {
        assertThatThrownBy(() -> publisher.publish(event("k"), PublishOptions.orderingKey("c-1")))
                .hasMessageContaining("event 'k'").hasMessageContaining("Fake MQ does not keep order");
        assertThatThrownBy(() -> publisher.publish(event("d"), PublishOptions.deduplicationId("x")))
                .hasMessageContaining("Fake MQ does not deduplicate");
        assertThatThrownBy(() -> publisher.publish(event("l"), PublishOptions.delay(Duration.ofSeconds(5))))
                .hasMessageContaining("Fake MQ has no per-message delay");
    }

    @Test
    void retryableFailuresAreSentAgainAndPermanentOnesFailTheirFuture() throws Exception {
        AtomicInteger throttled = new AtomicInteger(1);
        driver().failWith = m -> {
            if (m.id().equals("flaky") && throttled.getAndDecrement() > 0) return new DriverError(ErrorCode.THROTTLED, "slow down");
            if (m.id().equals("bad")) return new DriverError(ErrorCode.INVALID, "no such thing");
            return null;
        };

        assertThat(publisher.publish(event("flaky")).get().messageId()).isEqualTo("id-flaky");
        assertThatThrownBy(() -> publisher.publish(event("bad")).get())
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(SluiceException.class)
                .hasMessageContaining("event 'bad' was not sent: no such thing");
        assertThat(driver().sent()).extracting(OutboundMessage::id).containsExactly("flaky", "flaky", "bad");
    }

    @Test
    void publishingAJavaObjectWritesItsJson() throws Exception {
        record Signup(String email) { }
        publisher.publish("user.signed-up", new Signup("ada@example.com")).get();

        OutboundMessage m = driver().sent().get(0);
        assertThat(new String(m.body())).isEqualTo("{\"email\":\"ada@example.com\"}");
        assertThat(m.attributes()).containsEntry("content-type", "application/json").containsEntry("ce-type", "user.signed-up");
    }

    @Test
    void anUnknownSchemeFailsListingTheSchemesFound() {
        assertThatThrownBy(() -> sluice.publisher("kafka://orders"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("no Sluice driver for scheme 'kafka'").hasMessageContaining("fake");
    }
}
