package dev.sluice.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.DeadLetterReason;
import dev.sluice.EventHandler;
import dev.sluice.Outcome;
import dev.sluice.PublishOptions;
import dev.sluice.QueueSpec;
import dev.sluice.RecordingDriver;
import dev.sluice.RetryPolicy;
import dev.sluice.Router;
import dev.sluice.core.Sluice;
import dev.sluice.codec.CloudEventCodec;
import dev.sluice.spi.Capabilities;
import dev.sluice.spi.InboundMessage;
import dev.sluice.spi.OutboundMessage;
import dev.sluice.testkit.RecordingSettlement;
import dev.sluice.testkit.VirtualClock;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The pipeline decides and settles once for every host: what it asks of the host's {@link Settlement}. */
class SettlementTest {
    private final RecordingDriver.Provider provider = new RecordingDriver.Provider(
            Capabilities.builder("Fake MQ").maxNackDelay(Duration.ofSeconds(60)).build());
    private final Sluice sluice = Sluice.builder().driver(provider).build();
    private final QueueSpec spec = QueueSpec.builder("fake://jobs").maxDeliveryAttempts(3)
            .retryPolicy(RetryPolicy.fixed(Duration.ofSeconds(7))).build();
    private final RecordingSettlement settlement = new RecordingSettlement();

    @AfterEach
    void close() {
        sluice.close();
    }

    private InboundMessage message(OptionalInt attempt) {
        OutboundMessage out = new CloudEventCodec(provider.open(spec.uri(), null).capabilities()).encode(
                CloudEventBuilder.v1().withId("e-1").withSource(URI.create("/t")).withType("job").build(), PublishOptions.NONE);
        return new InboundMessage("m-1", out.body(), out.attributes(), null, attempt, null, "h", null);
    }

    private Pipeline pipeline(QueueSpec s, EventHandler handler) {
        return sluice.pipeline(s, Router.builder().on("job", handler).build(), List.of());
    }

    private DeadLetterReason deadLetterReason() {
        OutboundMessage dead = provider.drivers.get(URI.create("fake://jobs-dlq")).sent().get(0);
        return DeadLetterReason.fromAttribute(dead.attributes().get(CloudEventCodec.DEAD_LETTER_ATTRIBUTE)).orElseThrow();
    }

    @Test
    void theFirstLeaseExtensionIsDueHalfALeaseAfterTheMessageWasReceivedNotAfterItsHandlerStarted() throws Exception {
        VirtualClock clock = new VirtualClock();
        try (Sluice timed = Sluice.builder().driver(provider).scheduler(clock).build()) {
            QueueSpec leased = spec.toBuilder().lease(Duration.ofSeconds(2)).build();
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Pipeline p = timed.pipeline(leased, Router.builder().on("job", (e, d) -> {
                started.countDown();
                release.await();
            }).build(), List.of());
            Instant received = clock.now();
            clock.advance(Duration.ofMillis(1500)); // it waited 1.5 s of its 2 s lease for a handler thread
            List<Instant> extended = new CopyOnWriteArrayList<>();
            Settlement waited = new Settlement() {
                @Override public void ack() { }
                @Override public void deadLettered() { }
                @Override public void retry(Duration delay) { }

                @Override
                public boolean extendLease(Duration lease) {
                    extended.add(clock.now());
                    return true;
                }

                @Override
                public Optional<Instant> leaseStart() {
                    return Optional.of(received);
                }
            };
            Thread handler = new Thread(() -> p.process(message(OptionalInt.of(1)), waited));
            handler.start();
            started.await();

            clock.advance(Duration.ofMillis(100));
            assertThat(extended).as("extended at once: half its lease had passed when it started")
                    .containsExactly(received.plusMillis(1500));
            clock.advance(Duration.ofSeconds(1));
            assertThat(extended).as("then every half lease").containsExactly(received.plusMillis(1500),
                    received.plusMillis(2500));
            release.countDown();
            handler.join();
        }
    }

    @Test
    void anErrorFromAHandlerIsRetriedByThePolicy() {
        Outcome o = pipeline(spec, (e, d) -> { throw new NoClassDefFoundError("com/acme/Missing"); })
                .process(message(OptionalInt.of(1)), settlement);
        assertThat(o).isInstanceOf(Outcome.Retry.class);
        assertThat(settlement.calls()).containsExactly("retry PT7S");
    }

    @Test
    void anErrorOnTheLastAttemptIsDeadLetteredWithItsReason() {
        Outcome o = pipeline(spec, (e, d) -> { throw new StackOverflowError("deep"); }).process(message(OptionalInt.of(3)), settlement);
        assertThat(o).isInstanceOf(Outcome.DeadLetter.class);
        assertThat(settlement.calls()).containsExactly("dead-lettered");
        assertThat(deadLetterReason().exception()).isEqualTo(StackOverflowError.class.getName());
        assertThat(deadLetterReason().cause()).isEqualTo(DeadLetterReason.Cause.MAX_ATTEMPTS);
    }

    @Test
    void aVmFatalErrorIsNotSettledSoTheBrokerRedeliversIt() {
        Pipeline p = pipeline(spec, (e, d) -> { throw new OutOfMemoryError("heap"); });
        assertThatThrownBy(() -> p.process(message(OptionalInt.of(3)), settlement)).isInstanceOf(OutOfMemoryError.class);
        assertThat(settlement.calls()).isEmpty();
    }

    @Test
    void aRetryDelayIsClampedToWhatTheBrokerAllows() {
        QueueSpec slow = spec.toBuilder().retryPolicy(RetryPolicy.fixed(Duration.ofHours(2))).build();
        pipeline(slow, (e, d) -> { throw new IllegalStateException("x"); }).process(message(OptionalInt.of(1)), settlement);
        assertThat(settlement.calls()).containsExactly("retry PT1M");
    }

    @Test
    void aDeliveryGivenBackUnhandledDoesNotCountAsAnAttempt() {
        Pipeline p = pipeline(spec, (e, d) -> { throw new IllegalStateException("x"); });
        p.process(message(OptionalInt.of(1)), settlement);          // attempt 1 fails
        p.release(message(OptionalInt.of(2)), settlement);          // delivery 2 given back behind another failure
        Outcome o = p.process(message(OptionalInt.of(3)), settlement); // delivery 3 is attempt 2: retried, not dead
        assertThat(o).isInstanceOf(Outcome.Retry.class);
        assertThat(settlement.calls()).containsExactly("retry PT7S", "retry PT0S", "retry PT7S");
        Outcome last = p.process(message(OptionalInt.of(4)), settlement);
        assertThat(last).isInstanceOf(Outcome.DeadLetter.class);
        assertThat(deadLetterReason().attempts()).isEqualTo(3);
    }

    @Test
    void aStaleCopyGivenBackAfterItsDeliveryWasHandledIsNotSubtracted() {
        // A broker that redelivers the later messages of a key itself (Pub/Sub) can leave the host holding a copy
        // of a delivery a handler already ran; giving that copy back must not lower the next attempt's number.
        List<Integer> attempts = new java.util.concurrent.CopyOnWriteArrayList<>();
        Pipeline p = pipeline(spec, (e, d) -> {
            attempts.add(d.attempt().orElseThrow());
            throw new IllegalStateException("x");
        });
        p.process(message(OptionalInt.of(1)), settlement);
        p.release(message(OptionalInt.of(1)), settlement);
        p.process(message(OptionalInt.of(2)), settlement);
        assertThat(attempts).containsExactly(1, 2);
    }

    @Test
    void whereTheBrokerDoesNotCountTheFailuresSeenHereAreTheCount() {
        Pipeline p = pipeline(spec, (e, d) -> { throw new IllegalStateException("x"); });
        assertThat(p.process(message(OptionalInt.empty()), settlement)).isInstanceOf(Outcome.Retry.class);
        assertThat(p.process(message(OptionalInt.empty()), settlement)).isInstanceOf(Outcome.Retry.class);
        assertThat(p.process(message(OptionalInt.empty()), settlement)).isInstanceOf(Outcome.DeadLetter.class);
        assertThat(deadLetterReason().attempts()).isEqualTo(3);
    }

    @Test
    void aHostThatCannotExtendALeaseSaysSoToTheHandler() {
        AtomicBoolean extended = new AtomicBoolean(true);
        RecordingSettlement push = new RecordingSettlement(false);
        pipeline(spec, (e, d) -> extended.set(d.extendLease(Duration.ofMinutes(5)))).process(message(OptionalInt.of(1)), push);
        assertThat(extended).isFalse();
        assertThat(push.calls()).containsExactly("lease PT5M", "ack");
    }

    @Test
    void anAckThatFailsInTheHostIsLoggedNotThrown() {
        Settlement failing = new Settlement() {
            @Override public void ack() { throw new IllegalStateException("connection reset"); }
            @Override public void deadLettered() { throw new IllegalStateException("connection reset"); }
            @Override public void retry(Duration delay) { }
            @Override public boolean extendLease(Duration lease) { return true; }
        };
        assertThat(pipeline(spec, (e, d) -> { }).process(message(OptionalInt.of(1)), failing)).isEqualTo(Outcome.ACK);
    }
}
