package dev.sluice.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.ConfigurationException;
import dev.sluice.DeadLetter;
import dev.sluice.DeadLetterReason.Cause;
import dev.sluice.QueueSpec;
import dev.sluice.Scheduler;
import dev.sluice.core.DeadLetters;
import dev.sluice.core.Sluice;
import dev.sluice.samples.importer.CustomerCsv;
import dev.sluice.samples.importer.CustomerDatabase;
import dev.sluice.samples.importer.ImportReport;
import dev.sluice.samples.importer.ImportSample;
import dev.sluice.samples.orders.CrashBeforeAck;
import dev.sluice.samples.orders.Inventory;
import dev.sluice.samples.orders.Notifier;
import dev.sluice.samples.orders.OrdersSample;
import dev.sluice.samples.video.SimulatedTranscoder;
import dev.sluice.samples.video.VideoHandlers;
import dev.sluice.samples.video.VideoSample;
import dev.sluice.samples.welcome.SignUp;
import dev.sluice.samples.welcome.SimulatedMailer;
import dev.sluice.samples.welcome.WelcomeEmailSample;
import dev.sluice.testkit.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The samples on a real broker, configured by their queue URI alone ({@code sluice.queue.<name>.uri}, as a user
 * would set it): each sample runs once on mem:// with a virtual clock and once on the broker in real time, and
 * the outcomes (handled, retried, dead-lettered, and what the sample reports) must be the same. The samples'
 * failures are a function of a seed and the try number, not of timing, so the counts do not depend on which
 * thread or which broker gets there first. A subclass names the broker and keeps its queues apart.
 */
abstract class SamplesOnBrokerTest {
    /** Bound on waiting for a sample to settle on a real broker (the slowest, the welcome e-mail, needs ~10 s). */
    private static final Duration SETTLE = Duration.ofSeconds(45);

    /** The URI of queue {@code name} on the broker, isolated from other tests. */
    abstract String uri(String name);

    /** The broker's name as its capabilities give it (in start-up errors). */
    abstract String broker();

    /** The sample configuration a user would write: only the URI of queue {@code name}. */
    private SampleQueues configured(String name) {
        Map<String, String> properties = Map.of("sluice.queue." + name + ".uri", uri(name));
        return SampleQueues.from(properties::get, variable -> null);
    }

    @Test
    void welcomeEmailRetriesDeadLettersAndRedrivesAsOnMem() throws Exception {
        WelcomeOutcome onMem;
        try (Run run = Run.onMem()) {
            onMem = welcome(run, WelcomeEmailSample.spec());
        }
        assertThat(onMem.retries()).as("the seed gives retries to compare").isPositive();
        assertThat(onMem.causes()).containsValues(Cause.MAX_ATTEMPTS, Cause.PERMANENT_FAILURE);

        QueueSpec spec = WelcomeEmailSample.spec(configured(WelcomeEmailSample.QUEUE));
        assertThat(spec.uri().toString()).isEqualTo(uri(WelcomeEmailSample.QUEUE));
        try (Run run = Run.onBroker(SETTLE)) {
            assertThat(welcome(run, spec)).isEqualTo(onMem);
        }
    }

    @Test
    void ordersFanOutAndTheRedeliveredOrderTakesItsStockOnceAsOnMem() throws Exception {
        OrdersOutcome onMem;
        try (Run run = Run.onMem()) {
            onMem = orders(run, OrdersSample.spec());
        }
        assertThat(onMem.placedRetries()).isEqualTo(1);

        try (Run run = Run.onBroker(SETTLE)) {
            assertThat(orders(run, OrdersSample.spec(configured(OrdersSample.QUEUE)))).isEqualTo(onMem);
        }
    }

    @Test
    void videoTranscodeOutlastsItsLeaseWithoutARedeliveryAsOnMem() throws Exception {
        VideoOutcome onMem;
        try (Run run = Run.onMem()) {
            onMem = video(run, VideoSample.spec());
        }
        assertThat(onMem.attempts()).containsExactly(1);

        try (Run run = Run.onBroker(SETTLE)) {
            assertThat(video(run, VideoSample.spec(configured(VideoSample.QUEUE)))).isEqualTo(onMem);
            assertThat(run.progress.leaseExtensions()).as("the lease kept alive while transcoding").isPositive();
        }
    }

    @Test
    void importRetriesDeadlocksAndReportsTheSameTotalsAsOnMem(@TempDir Path dir) throws Exception {
        Path csv = CustomerCsv.write(dir.resolve("customers.csv"), CustomerCsv.generate(ImportSample.ROWS, new Random(11)));
        ImportOutcome onMem;
        try (Run run = Run.onMem()) {
            onMem = importer(run, ImportSample.spec(), csv);
        }
        assertThat(onMem.chunkRetries()).as("the seed gives deadlocks to retry").isPositive();

        try (Run run = Run.onBroker(SETTLE)) {
            assertThat(importer(run, ImportSample.spec(configured(ImportSample.QUEUE)), csv)).isEqualTo(onMem);
        }
    }

    /** No sample asks for ordering; one that did would be refused at start-up, naming the broker, not run unordered. */
    @Test
    void aSampleAskingForOrderingIsRefusedAtStartNamingTheBroker() {
        QueueSpec ordered = configured(OrdersSample.QUEUE)
                .spec(OrdersSample.QUEUE, OrdersSample.spec().toBuilder().ordering(true).build());
        try (Sluice sluice = Sluice.create()) {
            assertThatThrownBy(() -> new OrdersSample(sluice, ordered, new Notifier(), new Inventory(OrdersSample.initialStock())).close())
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining(broker() + " does not keep per-key order");
        }
    }

    // ---- the samples, run and summed up ---------------------------------------------------------

    /** What the welcome e-mail sample did: the first round, the dead letters, the redrive and after. */
    record WelcomeOutcome(int succeeded, int retries, int deadLettered, Map<String, Cause> causes,
            Set<Integer> exhaustedAttempts, int redriveMoved, int redriveKept, int succeededAfter, int retriesAfter,
            Set<String> deadAfter, int sent) {
    }

    private static WelcomeOutcome welcome(Run run, QueueSpec spec) throws Exception {
        SimulatedMailer mailer = new SimulatedMailer(new Random(42), 0.10);
        mailer.mailboxFull(WelcomeEmailSample.FULL_MAILBOX);
        try (WelcomeEmailSample sample = new WelcomeEmailSample(run.sluice, spec, mailer, run.progress)) {
            sample.publish(WelcomeEmailSample.signUps(100));
            run.untilIdle();
            Progress.HandlerStats first = run.progress.handler(WelcomeEmailSample.TYPE);
            List<DeadLetter> dead = deadLetters(sample, first.deadLettered());
            Map<String, Cause> causes = dead.stream().collect(Collectors.toMap(
                    d -> email(run.sluice, d), d -> d.reason().orElseThrow().cause(), (a, b) -> a, TreeMap::new));
            Set<Integer> exhaustedAttempts = dead.stream().map(d -> d.reason().orElseThrow())
                    .filter(r -> r.cause() == Cause.MAX_ATTEMPTS).map(r -> r.attempts()).collect(Collectors.toSet());

            mailer.mailboxEmptied(WelcomeEmailSample.FULL_MAILBOX);
            DeadLetters.RedriveResult redrive = sample.redriveExhausted();
            run.untilIdle();
            Progress.HandlerStats after = run.progress.handler(WelcomeEmailSample.TYPE);
            Set<String> deadAfter = deadLetters(sample, after.deadLettered() - redrive.moved()).stream()
                    .map(d -> email(run.sluice, d)).collect(Collectors.toCollection(TreeSet::new));
            return new WelcomeOutcome(first.succeeded(), first.retries(), first.deadLettered(), causes, exhaustedAttempts,
                    redrive.moved(), redrive.kept(), after.succeeded(), after.retries(), deadAfter, mailer.sent().size());
        }
    }

    /** The {@code count} dead letters of the sample's queue, once all have arrived (the DLQ is written after the handler returns). */
    private static List<DeadLetter> deadLetters(WelcomeEmailSample sample, int count) {
        AtomicReference<List<DeadLetter>> last = new AtomicReference<>(List.of());
        Await.until(count + " dead letters in " + sample.queueSpec().uri() + "'s DLQ", () -> {
            try {
                last.set(sample.deadLetters(count + 1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
            return last.get().size() == count;
        });
        return last.get();
    }

    private static String email(Sluice sluice, DeadLetter d) {
        return sluice.events().bind(d.event(), SignUp.class).email();
    }

    /** What the order fan-out did. */
    record OrdersOutcome(int placedSucceeded, int placedRetries, int reserveCalls, long emails, long sms, int applied,
            int duplicatesIgnored, Map<String, Integer> stock, int deadLettered) {
    }

    private static OrdersOutcome orders(Run run, QueueSpec spec) throws Exception {
        Notifier notifier = new Notifier();
        Inventory inventory = new Inventory(OrdersSample.initialStock());
        String crashed = OrdersSample.orderId(3);
        CrashBeforeAck crash = new CrashBeforeAck(
                e -> e.getType().equals(OrdersSample.PLACED) && crashed.equals(e.getSubject()), Duration.ofSeconds(1));
        try (OrdersSample sample = new OrdersSample(run.sluice, spec, notifier, inventory, run.progress, crash)) {
            sample.publish(OrdersSample.orders(30, new Random(7)));
            run.untilIdle();
        }
        Progress.HandlerStats placed = run.progress.handler(OrdersSample.PLACED);
        return new OrdersOutcome(placed.succeeded(), placed.retries(), run.progress.handler(OrdersSample.RESERVE).calls(),
                notifier.count("email"), notifier.count("sms"), inventory.applied(), inventory.duplicatesIgnored(),
                new TreeMap<>(inventory.stock()), run.progress.deadLettered());
    }

    /** What the video pipeline did: calls and successes per step, the attempts seen, the notifications. */
    record VideoOutcome(Map<String, Integer> calls, Map<String, Integer> succeeded, Set<Integer> attempts, int notifications) {
    }

    private static VideoOutcome video(Run run, QueueSpec spec) throws Exception {
        List<Progress.Step> steps = new CopyOnWriteArrayList<>();
        run.progress.onStep(steps::add);
        VideoHandlers handlers = new VideoHandlers(new SimulatedTranscoder(run.scheduler(), VideoSample.TRANSCODE_TIME));
        try (VideoSample sample = new VideoSample(run.sluice, spec, handlers, run.progress)) {
            sample.publish(VideoSample.uploads(4));
            run.untilIdle();
        }
        Map<String, Integer> calls = new TreeMap<>();
        Map<String, Integer> succeeded = new TreeMap<>();
        run.progress.handlers().forEach(h -> {
            calls.put(h.type(), h.calls());
            succeeded.put(h.type(), h.succeeded());
        });
        return new VideoOutcome(calls, succeeded, steps.stream().map(Progress.Step::attempt).collect(Collectors.toSet()),
                handlers.notifications().size());
    }

    /** What the batch import did: the report's totals and the chunk handler's numbers. */
    record ImportOutcome(int rows, int chunks, int rejected, int imported, int databaseSize, int chunkSucceeded,
            int chunkRetries, int completedSucceeded) {
    }

    private static ImportOutcome importer(Run run, QueueSpec spec, Path csv) throws Exception {
        CustomerDatabase db = new CustomerDatabase(run.scheduler(), Duration.ofMillis(150), new Random(13), 0.05);
        ImportReport report;
        try (ImportSample sample = new ImportSample(run.sluice, spec, db, run.progress)) {
            sample.publish("import-1", csv);
            run.untilIdle();
            report = sample.report().get(10, TimeUnit.SECONDS);
        }
        assertThat(report.maxParallel()).isBetween(1, spec.concurrency());
        Progress.HandlerStats chunks = run.progress.handler(ImportSample.CHUNK);
        return new ImportOutcome(report.rows(), report.chunks(), report.rejected(), report.imported(), db.size(),
                chunks.succeeded(), chunks.retries(), run.progress.handler(ImportSample.COMPLETED).succeeded());
    }

    /** One run of a sample: a Sluice counting into {@link #progress}, and a way to wait until it has settled. */
    static final class Run implements AutoCloseable {
        final Progress progress;
        final Sluice sluice;
        private final VirtualTime time;
        private final Duration bound;

        private Run(VirtualTime time, Progress progress, Sluice sluice, Duration bound) {
            this.time = time;
            this.progress = progress;
            this.sluice = sluice;
            this.bound = bound;
        }

        /** On mem:// and a virtual clock, as the samples' own tests run. */
        static Run onMem() {
            VirtualTime time = new VirtualTime();
            return new Run(time, time.progress, time.sluice(), null);
        }

        /** In real time, with the drivers found on the class path, waiting at most {@code bound} to settle. */
        static Run onBroker(Duration bound) {
            Progress progress = new Progress();
            return new Run(null, progress, progress.countPublishes(Sluice.builder()).build(), bound);
        }

        Scheduler scheduler() {
            return time != null ? time.clock : sluice.scheduler();
        }

        /** Until every published event is acked or dead-lettered. */
        void untilIdle() throws InterruptedException {
            if (time != null) {
                time.runUntilIdle();
            } else if (!progress.awaitIdle(bound)) {
                throw new AssertionError("not settled within " + bound + ": " + progress.line());
            }
        }

        @Override
        public void close() {
            sluice.close();
        }
    }
}
