package dev.sluice.core;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.ConfigurationException;
import dev.sluice.QueueSpec;
import dev.sluice.RecordingDriver;
import dev.sluice.spi.Capabilities;
import java.time.Duration;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The start-up checks of a {@link QueueSpec} against a broker's {@link Capabilities}, for every broker
 * profile: what the broker cannot honour fails at start-up with a {@link ConfigurationException} naming the
 * broker and the limit; what it can honour starts. (Moved out of the conformance suite: no broker needed.)
 */
class SpecCheckTest {

    /** A spec setting, what the broker must have for it, and what the refusal must say. */
    record Ask(String name, UnaryOperator<QueueSpec.Builder> setting, java.util.function.Predicate<Capabilities> honoured,
               java.util.function.Function<Capabilities, String> detail) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final Ask ORDERING = new Ask("ordering", b -> b.ordering(true), Capabilities::ordering, c -> "order");
    static final Ask DEDUPLICATION = new Ask("deduplication", b -> b.deduplication(true), Capabilities::deduplication,
            c -> "deduplicat");
    static final Ask DELAYS = new Ask("delays", b -> b.delays(true), Capabilities::delays, c -> "delay");

    static Stream<Arguments> asks() {
        return BrokerProfiles.all().flatMap(caps -> Stream.of(ORDERING, DEDUPLICATION, DELAYS)
                .map(ask -> Arguments.of(caps.broker(), caps, ask)));
    }

    @ParameterizedTest(name = "{0}: {2}")
    @MethodSource("asks")
    void whatTheBrokerCannotHonourFailsAtStartUpAndWhatItCanStarts(String broker, Capabilities caps, Ask ask) {
        try (Sluice sluice = sluice(caps)) {
            QueueSpec spec = ask.setting().apply(base(caps, "fake://" + ask.name())).build();
            if (ask.honoured().test(caps)) {
                assertThatCode(() -> sluice.open(spec)).doesNotThrowAnyException();
            } else {
                assertThatThrownBy(() -> sluice.worker(spec).on("t", (e, d) -> { }).start().close())
                        .isInstanceOf(ConfigurationException.class)
                        .hasMessageContaining(broker).hasMessageContaining(ask.detail().apply(caps))
                        .hasMessageContaining(spec.uri().toString());
            }
        }
    }

    static Stream<Arguments> profiles() {
        return BrokerProfiles.all().map(caps -> Arguments.of(caps.broker(), caps));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("profiles")
    void attemptsOutsideTheBrokersRangeFailAtStartUpNamingTheRange(String broker, Capabilities caps) {
        try (Sluice sluice = sluice(caps)) {
            String range = caps.minDeliveryAttempts() + ".." + caps.maxDeliveryAttempts();
            assertThatThrownBy(() -> sluice.open(base(caps, "fake://too-many").maxDeliveryAttempts(caps.maxDeliveryAttempts() + 1).build()))
                    .isInstanceOf(ConfigurationException.class).hasMessageContaining(broker).hasMessageContaining(range);
            if (caps.minDeliveryAttempts() > 1) {
                assertThatThrownBy(() -> sluice.open(base(caps, "fake://too-few").maxDeliveryAttempts(caps.minDeliveryAttempts() - 1).build()))
                        .isInstanceOf(ConfigurationException.class).hasMessageContaining(broker).hasMessageContaining(range);
            }
            assertThatCode(() -> sluice.open(base(caps, "fake://at-the-limits").maxDeliveryAttempts(caps.maxDeliveryAttempts()).build()))
                    .doesNotThrowAnyException();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("profiles")
    void aLeaseOutsideTheBrokersRangeFailsAtStartUp(String broker, Capabilities caps) {
        try (Sluice sluice = sluice(caps)) {
            assertThatThrownBy(() -> sluice.open(base(caps, "fake://long-lease").lease(caps.maxLease().plusSeconds(1)).build()))
                    .isInstanceOf(ConfigurationException.class).hasMessageContaining(broker)
                    .hasMessageContaining(caps.maxLease().toSeconds() + "s");
            if (caps.minLease().compareTo(Duration.ofSeconds(1)) > 0) {
                assertThatThrownBy(() -> sluice.open(base(caps, "fake://short-lease").lease(caps.minLease().minusSeconds(1)).build()))
                        .isInstanceOf(ConfigurationException.class).hasMessageContaining(broker)
                        .hasMessageContaining(caps.minLease().toSeconds() + "s");
            }
        }
    }

    private static QueueSpec.Builder base(Capabilities caps, String uri) {
        return QueueSpec.builder(uri).maxDeliveryAttempts(Math.max(caps.minDeliveryAttempts(), 5))
                .lease(caps.minLease().compareTo(Duration.ofSeconds(30)) > 0 ? caps.minLease() : Duration.ofSeconds(30));
    }

    private static Sluice sluice(Capabilities caps) {
        return Sluice.builder().driver(new RecordingDriver.Provider(caps)).build();
    }
}
