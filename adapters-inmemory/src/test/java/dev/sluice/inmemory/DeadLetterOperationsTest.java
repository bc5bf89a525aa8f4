package dev.sluice.inmemory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.DeadLetter;
import dev.sluice.DeadLetterFilter;
import dev.sluice.PermanentFailureException;
import dev.sluice.QueueSpec;
import dev.sluice.codec.CloudEventCodec;
import dev.sluice.core.DeadLetters;
import dev.sluice.core.Sluice;
import dev.sluice.spi.InboundMessage;
import dev.sluice.spi.QueueDriver;
import dev.sluice.testkit.Await;
import dev.sluice.worker.Worker;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The dead-letter operations a person runs (browse a page, stop a redrive half-way) on many real dead letters: made
 * by a worker whose handler throws {@link PermanentFailureException}.
 */
class DeadLetterOperationsTest {
    private static final String TYPE = "ops.job";
    private final Sluice sluice = Sluice.create();

    @AfterEach
    void close() {
        sluice.close();
    }

    /** Publishes {@code count} events and waits until a failing worker dead-lettered them all. */
    private QueueSpec deadLettered(String queue, int count) throws Exception {
        QueueSpec spec = QueueSpec.builder("mem://" + queue).maxDeliveryAttempts(1).build();
        try (Worker worker = sluice.worker(spec).on(TYPE, (e, d) -> {
            throw new PermanentFailureException("refused");
        }).start()) {
            var publisher = sluice.publisher(spec.uri());
            for (int i = 0; i < count; i++) {
                publisher.publish(CloudEventBuilder.v1().withId("job-" + i).withSource(URI.create("/ops")).withType(TYPE)
                        .build());
            }
            Await.until(count + " dead letters", () -> sluice.stats(spec).deadLetterQueue().visible().orElse(0) == count,
                    Duration.ofMinutes(2));
        }
        return spec;
    }

    @Test
    void tenThousandDeadLettersAreBrowsedFiftyAtATime() throws Exception {
        QueueSpec spec = deadLettered("many", 10_000);
        DeadLetters dead = sluice.deadLetters(spec);

        DeadLetters.Page third = dead.browse(DeadLetterFilter.all(), 100, 50);
        assertThat(third.letters()).hasSize(50);
        assertThat(third.skipped()).isEqualTo(100);
        assertThat(third.more()).isTrue();
        assertThat(third.letters()).allSatisfy(d -> assertThat(d.reason().orElseThrow().message()).isEqualTo("refused"));

        DeadLetters.Page last = dead.browse(DeadLetterFilter.all(), 9_980, 50);
        assertThat(last.letters()).hasSize(20);
        assertThat(last.more()).isFalse();
        assertThat(sluice.stats(spec).deadLetterQueue().visible()).as("a browse leaves every dead letter there")
                .hasValue(10_000);
        assertThat(sluice.stats(spec).deadLetterQueue().inFlight()).as("and releases them").hasValue(0);
    }

    @Test
    void aCancelledRedriveFinishesTheBatchInHandAndNeitherLosesNorDuplicates() throws Exception {
        QueueSpec spec = deadLettered("cancelled", 500);
        AtomicBoolean cancel = new AtomicBoolean();
        List<DeadLetters.Progress> progress = new ArrayList<>();

        DeadLetters.RedriveResult result = sluice.deadLetters(spec).redrive(DeadLetterFilter.all(), p -> {
            progress.add(p);
            if (p.seen() >= 100) cancel.set(true);
        }, cancel::get);

        assertThat(result.cancelled()).isTrue();
        assertThat(result.moved()).isEqualTo(100);
        assertThat(result.notDeleted()).isZero();
        assertNoneLostOrDuplicated(spec, 500, 100);
    }

    @Test
    void anInterruptedRedriveStopsBetweenBatchesAndLeavesTheInterruptSet() throws Exception {
        QueueSpec spec = deadLettered("interrupted", 500);
        AtomicReference<DeadLetters.RedriveResult> result = new AtomicReference<>();
        AtomicBoolean stillInterrupted = new AtomicBoolean();
        AtomicLong seenAtInterrupt = new AtomicLong();
        Thread redrive = new Thread(() -> {
            try {
                result.set(sluice.deadLetters(spec).redrive(DeadLetterFilter.all(), p -> {
                    if (p.seen() >= 200 && seenAtInterrupt.get() == 0) {
                        seenAtInterrupt.set(p.seen());
                        Thread.currentThread().interrupt();
                    }
                }, () -> false));
                stillInterrupted.set(Thread.currentThread().isInterrupted());
            } catch (InterruptedException e) {
                throw new AssertionError("the redrive threw instead of stopping", e);
            }
        });
        redrive.start();
        redrive.join(Duration.ofMinutes(1).toMillis());

        assertThat(result.get().cancelled()).isTrue();
        assertThat(result.get().moved()).isEqualTo(200);
        assertThat(stillInterrupted).isTrue();
        assertNoneLostOrDuplicated(spec, 500, 200);
    }

    /** The source queue holds {@code moved}, the DLQ the rest, and no event id is in both. */
    private void assertNoneLostOrDuplicated(QueueSpec spec, int total, int moved) throws Exception {
        Set<String> inSource = drainIds(sluice.driver(spec.uri()));
        List<String> inDlq = new ArrayList<>();
        sluice.deadLetters(spec).scan(DeadLetterFilter.all(), d -> inDlq.add(d.event().getId()));
        assertThat(inSource).hasSize(moved);
        assertThat(inDlq).hasSize(total - moved).doesNotHaveDuplicates();
        assertThat(inDlq).doesNotContainAnyElementsOf(inSource);
        Set<String> all = new HashSet<>(inSource);
        all.addAll(inDlq);
        assertThat(all).hasSize(total);
    }

    private static Set<String> drainIds(QueueDriver driver) throws Exception {
        CloudEventCodec codec = new CloudEventCodec(driver.capabilities());
        Set<String> ids = new HashSet<>();
        while (true) {
            List<InboundMessage> got = driver.receive(10, Duration.ofMillis(200));
            if (got.isEmpty()) return ids;
            for (InboundMessage m : got) {
                assertThat(ids.add(codec.decode(m, driver.uri()).getId())).as("each id once").isTrue();
            }
            driver.ack(got);
        }
    }

    @Test
    void aPurgeByMessageIdsDeletesJustThose() throws Exception {
        QueueSpec spec = deadLettered("by-id", 30);
        DeadLetters dead = sluice.deadLetters(spec);
        List<DeadLetter> firstTwo = dead.peek(2);
        Set<String> ids = Set.of(firstTwo.get(0).messageId(), firstTwo.get(1).messageId());

        assertThat(dead.purge(DeadLetterFilter.all().withMessageIds(ids))).isEqualTo(2);
        assertThat(dead.count(DeadLetterFilter.all())).isEqualTo(28);
    }
}
