package dev.sluice.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.DeadLetterReason;
import dev.sluice.Interceptor;
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
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PipelineTest {
    private final RecordingDriver.Provider provider = new RecordingDriver.Provider(Capabilities.builder("Fake MQ").build());
    private final Sluice sluice = Sluice.builder().driver(provider).build();
    private final QueueSpec spec = QueueSpec.builder("fake://jobs").maxDeliveryAttempts(3)
            .retryPolicy(RetryPolicy.fixed(Duration.ofSeconds(7))).build();

    @AfterEach
    void close() {
        sluice.close();
    }

    private InboundMessage message(int attempt) {
        OutboundMessage out = new CloudEventCodec(provider.open(spec.uri(), null).capabilities()).encode(
                CloudEventBuilder.v1().withId("e-1").withSource(URI.create("/t")).withType("job").build(), PublishOptions.NONE);
        return new InboundMessage("m-1", out.body(), out.attributes(), null, OptionalInt.of(attempt), null, "h", null);
    }

    private final RecordingSettlement settlement = new RecordingSettlement();

    private Outcome run(InboundMessage m, Router router, Interceptor... interceptors) {
        return sluice.pipeline(spec, router, List.of(interceptors)).process(m, settlement);
    }

    private RecordingDriver deadLetterQueue() {
        return provider.drivers.get(URI.create("fake://jobs-dlq"));
    }

    @Test
    void aFailureBeforeTheLastAttemptIsRetriedAfterThePolicysDelay() {
        Outcome o = run(message(2), Router.builder().on("job", (e, d) -> { throw new IllegalStateException("x"); }).build());
        assertThat(o).isInstanceOfSatisfying(Outcome.Retry.class, r -> assertThat(r.delay()).hasSeconds(7));
        assertThat(settlement.calls()).containsExactly("retry PT7S");
    }

    @Test
    void aFailureOnTheLastAttemptIsSentToTheDeadLetterQueueWithItsReasonThenAcked() {
        Outcome o = run(message(3), Router.builder().on("job", (e, d) -> { throw new IllegalStateException("x"); }).build());

        assertThat(o).isInstanceOf(Outcome.DeadLetter.class);
        OutboundMessage dead = deadLetterQueue().sent().get(0);
        assertThat(dead.attributes()).containsEntry("ce-id", "e-1");
        DeadLetterReason reason = DeadLetterReason.fromAttribute(dead.attributes().get(CloudEventCodec.DEAD_LETTER_ATTRIBUTE)).orElseThrow();
        assertThat(reason.cause()).isEqualTo(DeadLetterReason.Cause.MAX_ATTEMPTS);
        assertThat(reason.attempts()).isEqualTo(3);
        assertThat(settlement.calls()).containsExactly("dead-lettered");
    }

    @Test
    void whenTheDeadLetterQueueRefusesTheMessageItIsRetriedNotLost() {
        sluice.driver(URI.create("fake://jobs-dlq"));
        deadLetterQueue().failWith = m -> new dev.sluice.spi.DriverError(dev.sluice.ErrorCode.UNAVAILABLE, "down");
        Outcome o = run(message(3), Router.builder().on("job", (e, d) -> { throw new IllegalStateException("x"); }).build());
        assertThat(o).isInstanceOf(Outcome.Retry.class);
        assertThat(settlement.calls()).containsExactly("retry PT7S");
    }

    @Test
    void anInterceptorCallingProceedTwiceIsNamedInTheFailure() {
        Interceptor twice = new Interceptor() {
            @Override
            public Outcome intercept(Chain chain) throws Exception {
                chain.proceed();
                return chain.proceed();
            }
        };
        Outcome o = run(message(1), Router.builder().on("job", (e, d) -> { }).build(), twice);
        assertThat(o).isInstanceOfSatisfying(Outcome.Retry.class, r -> assertThat(r.cause())
                .hasMessageContaining(twice.getClass().getName()).hasMessageContaining("more than once"));
    }

    @Test
    void interceptorsRunOutermostFirstAndSeeTheOutcome() {
        List<String> trace = new java.util.concurrent.CopyOnWriteArrayList<>();
        Interceptor outer = chain -> { trace.add("outer in"); Outcome o = chain.proceed(); trace.add("outer out " + o); return o; };
        Interceptor inner = chain -> { trace.add("inner in"); Outcome o = chain.proceed(); trace.add("inner out"); return o; };
        run(message(1), Router.builder().on("job", (e, d) -> trace.add("handler")).build(), outer, inner);
        assertThat(trace).containsExactly("outer in", "inner in", "handler", "inner out", "outer out " + Outcome.ACK);
    }

    @Test
    void anUndecodableMessageIsDeadLetteredAsReceived() {
        InboundMessage corrupt = new InboundMessage("m-9", "raw".getBytes(), Map.of("ce-specversion", "9.9"), null,
                OptionalInt.of(1), null, "h", null);
        Outcome o = run(corrupt, Router.builder().on("job", (e, d) -> { }).build());
        assertThat(o).isInstanceOf(Outcome.DeadLetter.class);
        OutboundMessage dead = deadLetterQueue().sent().get(0);
        assertThat(dead.body()).isEqualTo("raw".getBytes());
        assertThat(dead.attributes()).containsEntry("ce-specversion", "9.9");
        assertThat(dead.attributes().get(CloudEventCodec.DEAD_LETTER_ATTRIBUTE)).contains("UNDECODABLE").contains("9.9");
    }

    @Test
    void unknownTypesFollowTheRoutersChoice() {
        assertThat(run(message(1), Router.builder().on("other", (e, d) -> { }).build())).isInstanceOf(Outcome.DeadLetter.class);
        assertThat(run(message(1), Router.builder().on("other", (e, d) -> { }).onUnknownType(Router.UnknownType.RETRY).build()))
                .isInstanceOf(Outcome.Retry.class);
        assertThat(run(message(1), Router.builder().on("other", (e, d) -> { }).onUnknownType(Router.UnknownType.ACK).build()))
                .isEqualTo(Outcome.ACK);
    }
}
