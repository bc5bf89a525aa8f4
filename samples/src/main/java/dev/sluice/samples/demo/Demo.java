package dev.sluice.samples.demo;

import dev.sluice.DeadLetter;
import dev.sluice.DeadLetterReason;
import dev.sluice.core.DeadLetters;
import dev.sluice.QueueSpec;
import dev.sluice.core.Sluice;
import dev.sluice.samples.Progress;
import dev.sluice.samples.Progress.HandlerStats;
import dev.sluice.samples.Progress.Kind;
import dev.sluice.samples.Progress.Step;
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
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Runs the four samples one after the other on {@code mem://} (the in-process broker: no setup), with a
 * live progress line for each, a summary table per handler, the metrics per queue and the trace of one video as a
 * tree at the end. Takes about 20 seconds.
 *
 * <pre>mvn -q install -DskipTests &amp;&amp; mvn -q -pl samples exec:java</pre>
 */
public final class Demo {
    private static final Duration BOUND = Duration.ofSeconds(60);

    private final PrintStream out;
    private final boolean terminal;
    private final List<HandlerStats> summary = new ArrayList<>();
    private final Observed observed = new Observed();

    private Demo(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    public static void main(String[] args) throws Exception {
        // The lifecycle log (retries at INFO, dead letters at WARN) would tear the live line; the demo prints
        // what happened itself. Set before the first logger is made.
        System.setProperty("org.slf4j.simpleLogger.log.dev.sluice", "error");
        long start = System.nanoTime();
        Demo demo = new Demo(System.out, LiveLine.isTerminal());
        demo.out.println("Sluice demo: four samples on mem://, the in-process broker (no cloud account, no Docker).");
        demo.welcome();
        demo.orders();
        demo.video();
        demo.importer();
        demo.out.println();
        demo.out.println("Summary per handler (handling time is the handler call, as the worker's interceptor timed it):");
        demo.out.println();
        demo.out.print(SummaryTable.render(demo.summary));
        demo.observability();
        demo.out.printf("%nAll four samples finished in %.1f s.%n", (System.nanoTime() - start) / 1e9);
        System.exit(0);
    }

    // ---- 1 -----------------------------------------------------------------------------------------

    private void welcome() throws Exception {
        int jobs = 200;
        section(1, "Welcome e-mail",
                jobs + " send-welcome-email jobs; 3 attempts with backoff 1 s, 2 s; the mailer fails 10 % of sends (seed 42)",
                "grace.hopper@full.example has a full mailbox; one sign-up has no valid address");
        Progress progress = new Progress();
        Map<String, List<Step>> steps = recordSteps(progress);
        try (Sluice sluice = observed.register(progress.countPublishes(Sluice.builder())).build()) {
            SimulatedMailer mailer = new SimulatedMailer(new Random(42), 0.10, sluice.scheduler(), Duration.ofMillis(20));
            mailer.mailboxFull(WelcomeEmailSample.FULL_MAILBOX);
            QueueSpec spec = WelcomeEmailSample.spec();
            try (WelcomeEmailSample sample = new WelcomeEmailSample(sluice, spec, mailer, progress)) {
                Map<String, SignUp> byId = sample.publish(WelcomeEmailSample.signUps(jobs));
                follow(progress);

                out.println("  Three of the jobs, step by step:");
                trace(byId, steps, s -> s.size() == 1 && s.get(0).kind() == Kind.SUCCEEDED, "succeeded at once");
                trace(byId, steps, s -> s.size() > 1 && last(s).kind() == Kind.SUCCEEDED, "succeeded after retries");
                trace(byId, steps, s -> last(s).kind() == Kind.DEAD_LETTER && last(s).attempt() > 1, "dead-lettered");

                DeadLetters dlq = sluice.deadLetters(spec);
                List<DeadLetter> dead = dlq.peek(progress.deadLettered());
                out.println("  The dead-letter queue " + dlq.uri() + " holds " + dead.size() + " (peek):");
                for (DeadLetter d : dead) {
                    SignUp s = sluice.events().bind(d.event(), SignUp.class);
                    out.printf("    %-28s %s%n", s.email(), d.reason().map(DeadLetterReason::summary).orElse("(no reason)"));
                }
                mailer.mailboxEmptied(WelcomeEmailSample.FULL_MAILBOX);
                DeadLetters.RedriveResult r = sample.redriveExhausted();
                out.println("  The mailbox is emptied; redriving the jobs that ran out of attempts: " + r.moved()
                        + " moved back, " + r.kept() + " left in the DLQ (an address no retry fixes).");
                follow(progress);
                out.println("  " + mailer.sent().size() + " of " + jobs + " welcome e-mails sent.");
            }
        }
        summary.addAll(progress.handlers());
    }

    private void trace(Map<String, SignUp> jobs, Map<String, List<Step>> steps, Predicate<List<Step>> which, String label) {
        for (Map.Entry<String, SignUp> job : jobs.entrySet()) {
            List<Step> s = snapshot(steps.get(job.getKey()));
            if (s.isEmpty() || !which.test(s)) continue;
            out.printf("    %s (%s):%n", job.getValue().email(), label);
            for (Step step : s) {
                String detail = step.kind() == Kind.SUCCEEDED ? "succeeded in " + Progress.millis(step.took()) : step.detail();
                out.printf("      attempt %d: %s%n", step.attempt(), detail);
            }
            return;
        }
        out.println("    (no job " + label + " this time)");
    }

    // ---- 2 -----------------------------------------------------------------------------------------

    private void orders() throws Exception {
        int count = 50;
        String crashed = OrdersSample.orderId(3);
        section(2, "Order fan-out",
                count + " order.placed events, each fanning out to e-mail, SMS and inventory follow-ups",
                "the worker 'crashes' after handling " + crashed + " but before its ack, so the broker delivers it again");
        Progress progress = new Progress();
        Notifier notifier = new Notifier();
        Inventory inventory = new Inventory(OrdersSample.initialStock());
        CrashBeforeAck crash = new CrashBeforeAck(
                e -> e.getType().equals(OrdersSample.PLACED) && crashed.equals(e.getSubject()), Duration.ofMillis(500));
        try (Sluice sluice = observed.register(progress.countPublishes(Sluice.builder())).build();
             OrdersSample sample = new OrdersSample(sluice, OrdersSample.spec(), notifier, inventory, progress, crash)) {
            sample.publish(OrdersSample.orders(count, new Random(7)));
            follow(progress);
        }
        out.println("  " + crashed + "'s order.placed was handled twice and re-emitted its three follow-ups, with the same ids.");
        out.println("  Inventory (idempotent by source + id): " + inventory.applied() + " reservations applied, "
                + inventory.duplicatesIgnored() + " redelivery recognised and ignored.");
        out.println("  E-mail and SMS (not idempotent): " + notifier.count("email") + " e-mails and " + notifier.count("sms")
                + " SMS for " + count + " orders: at-least-once, so " + crashed + "'s customer heard twice.");
        out.println("  Stock now: " + inventory.stock());
        summary.addAll(progress.handlers());
    }

    // ---- 3 -----------------------------------------------------------------------------------------

    private void video() throws Exception {
        int count = 4;
        section(3, "Video pipeline",
                count + " uploads through upload -> transcode -> thumbnail -> notify, each step a follow-up event",
                "transcoding takes " + VideoSample.TRANSCODE_TIME.toSeconds() + " s on a " + VideoSample.LEASE.toSeconds()
                        + " s lease: the worker extends the lease while it runs");
        Progress progress = new Progress();
        try (Sluice sluice = observed.register(progress.countPublishes(Sluice.builder())).build()) {
            VideoHandlers handlers = new VideoHandlers(new SimulatedTranscoder(sluice.scheduler(), VideoSample.TRANSCODE_TIME));
            try (VideoSample sample = new VideoSample(sluice, VideoSample.spec(), handlers, progress)) {
                sample.publish(VideoSample.uploads(count));
                follow(progress);
                handlers.notifications().forEach(n -> out.println("  notified " + n));
            }
        }
        HandlerStats transcode = progress.handler(VideoSample.TRANSCODE);
        out.println("  Transcode deliveries: " + transcode.calls() + " for " + count + " videos (none delivered twice); "
                + progress.leaseExtensions() + " lease extensions.");
        summary.addAll(progress.handlers());
    }

    // ---- 4 -----------------------------------------------------------------------------------------

    private void importer() throws Exception {
        section(4, "Batch import",
                "a generated CSV of " + String.format("%,d", ImportSample.ROWS) + " customers, split into chunk jobs of "
                        + ImportSample.ROWS_PER_CHUNK + " rows",
                "at most " + ImportSample.spec().concurrency() + " chunks at once; the database deadlocks on 5 % of writes");
        Progress progress = new Progress();
        Path csv = CustomerCsv.write(Files.createTempFile("sluice-demo-customers-", ".csv"),
                CustomerCsv.generate(ImportSample.ROWS, new Random(11)));
        try (Sluice sluice = observed.register(progress.countPublishes(Sluice.builder())).build()) {
            CustomerDatabase db = new CustomerDatabase(sluice.scheduler(), Duration.ofMillis(150), new Random(13), 0.05);
            try (ImportSample sample = new ImportSample(sluice, ImportSample.spec(), db, progress)) {
                sample.publish("import-1", csv);
                follow(progress);
                ImportReport r = sample.report().get(BOUND.toSeconds(), TimeUnit.SECONDS);
                out.printf("  Report: %,d rows in %d chunks: %,d imported, %,d rejected; at most %d chunks at once.%n",
                        r.rows(), r.chunks(), r.imported(), r.rejected(), r.maxParallel());
                r.firstErrors().forEach(e -> out.println("    rejected " + e));
                out.printf("  The database holds %,d customers.%n", db.size());
            }
        } finally {
            Files.deleteIfExists(csv);
        }
        summary.addAll(progress.handlers());
    }

    // ---- metrics and a trace --------------------------------------------------------------------------

    private void observability() {
        out.println();
        out.println("Metrics per queue (SluiceMetrics on a Micrometer SimpleMeterRegistry: sluice.handled.messages by outcome;");
        out.println("messaging.process.duration of the handlings that succeeded):");
        out.println();
        out.print(observed.metricsTable());
        observed.spans().firstTraceStartedBy(VideoSample.UPLOADED).ifPresent(trace -> {
            out.println();
            out.println("The trace of one video, upload -> transcode -> thumbnail -> notify (SluiceTracing on the");
            out.println("OpenTelemetry SDK; each follow-up's context travels in the event's traceparent):");
            out.println();
            out.println("trace " + trace);
            out.print(observed.spans().render(trace));
        });
        observed.close();
    }

    // ---- helpers -------------------------------------------------------------------------------------

    private void section(int n, String title, String what, String twist) {
        out.println();
        out.println("[" + n + "/4] " + title + ": " + what);
        out.println("      " + twist);
    }

    /** Shows the live line until every published event is handled. */
    private void follow(Progress progress) throws InterruptedException {
        boolean idle;
        try (LiveLine line = new LiveLine(out, terminal, "  ", progress::line)) {
            idle = progress.awaitIdle(BOUND);
        }
        if (!idle) {
            out.println("  Not finished after " + BOUND.toSeconds() + " s; stopping the demo.");
            System.exit(1);
        }
    }

    private static Map<String, List<Step>> recordSteps(Progress progress) {
        Map<String, List<Step>> steps = new ConcurrentHashMap<>();
        progress.onStep(s -> steps.computeIfAbsent(s.eventId(), k -> Collections.synchronizedList(new ArrayList<>())).add(s));
        return steps;
    }

    private static List<Step> snapshot(List<Step> steps) {
        if (steps == null) return List.of();
        synchronized (steps) {
            return List.copyOf(steps);
        }
    }

    private static Step last(List<Step> steps) {
        return Objects.requireNonNull(steps.get(steps.size() - 1));
    }
}
