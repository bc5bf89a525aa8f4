package dev.sluice.samples.welcome;

import dev.sluice.DeadLetter;
import dev.sluice.DeadLetterReason;
import dev.sluice.core.DeadLetters;
import dev.sluice.Interceptor;
import dev.sluice.OutgoingEvent;
import dev.sluice.Publisher;
import dev.sluice.QueueSpec;
import dev.sluice.RetryPolicy;
import dev.sluice.core.Sluice;
import dev.sluice.samples.Progress;
import dev.sluice.samples.SampleQueues;
import dev.sluice.worker.Worker;
import io.cloudevents.CloudEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Sample 1, the welcome e-mail: a {@code send-welcome-email} job with 3 attempts and exponential backoff
 * from 1 s (1 s, then 2 s), whose mailer fails 10 % of the time. Jobs that cannot succeed land in the
 * dead-letter queue; the sample inspects them ({@link DeadLetters#peek(int)}) and, once the cause is fixed,
 * redrives the ones worth another try ({@link DeadLetters#redrive(java.util.function.Predicate)}).
 *
 * <p>Run it: {@code mvn -q -pl samples exec:java -Dexec.mainClass=dev.sluice.samples.welcome.WelcomeEmailSample}.
 * On SQS or Pub/Sub: set {@code SLUICE_QUEUE_WELCOME_EMAIL_URI} (see {@link SampleQueues}).
 */
public final class WelcomeEmailSample implements AutoCloseable {
    /** The job's CloudEvent type. */
    public static final String TYPE = "send-welcome-email";
    /** The queue's logical name: {@code mem://welcome-email} unless configured. */
    public static final String QUEUE = "welcome-email";
    /** The address whose mailbox is full in the sample: its job exhausts its 3 attempts. */
    public static final String FULL_MAILBOX = "grace.hopper@full.example";
    /** A sign-up with an address no retry will fix: its job is dead-lettered at once. */
    public static final String NOT_AN_ADDRESS = "alan.turing(at)example.com";

    private static final String[] NAMES = {"Ada", "Edsger", "Barbara", "Ken", "Margaret", "Linus", "Frances", "Donald",
        "Radia", "Niklaus", "Katherine", "Dennis", "Adele", "John", "Sophie", "Tim"};

    private final Sluice sluice;
    private final QueueSpec spec;
    private final Worker worker;

    /**
     * Starts a worker for the job on {@code spec}'s queue.
     *
     * @param interceptors added to the worker in this order (the first is the outermost)
     */
    public WelcomeEmailSample(Sluice sluice, QueueSpec spec, Mailer mailer, Interceptor... interceptors) {
        this.sluice = sluice;
        this.spec = spec;
        Worker.Builder builder = sluice.worker(spec).on(TYPE, SignUp.class, new WelcomeEmailHandler(mailer));
        for (Interceptor i : interceptors) builder.interceptor(i);
        this.worker = builder.start();
    }

    /** The sample's queue: 3 attempts, backoff 1 s then 2 s (no jitter, so the demo's output is steady), 8 at once. */
    public static QueueSpec spec() {
        return QueueSpec.builder("mem://" + QUEUE)
                .maxDeliveryAttempts(3)
                .retryPolicy(RetryPolicy.exponential(Duration.ofSeconds(1)).multiplier(2).jitter(0).build())
                .concurrency(8)
                .build();
    }

    /** {@link #spec()} with what the configuration overrides (URI, DLQ, attempts, concurrency). */
    public static QueueSpec spec(SampleQueues config) {
        return config.spec(QUEUE, spec());
    }

    /**
     * {@code count} sign-ups, always the same: Ada first, then generated people, with one address whose
     * mailbox is full ({@link #FULL_MAILBOX}, third) and one that is not an address ({@link #NOT_AN_ADDRESS},
     * fifth).
     */
    public static List<SignUp> signUps(int count) {
        List<SignUp> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            if (i == 2) {
                out.add(new SignUp(FULL_MAILBOX, "Grace"));
            } else if (i == 4) {
                out.add(new SignUp(NOT_AN_ADDRESS, "Alan"));
            } else {
                String name = NAMES[i % NAMES.length];
                String email = i == 0 ? "ada@example.com" : name.toLowerCase() + "." + i + "@example.com";
                out.add(new SignUp(email, name));
            }
        }
        return out;
    }

    /** Publishes one job per sign-up and waits until the queue has them all; returns the jobs by event id. */
    public Map<String, SignUp> publish(List<SignUp> signUps) {
        Publisher publisher = sluice.publisher(spec.uri());
        Map<String, SignUp> byId = new LinkedHashMap<>();
        List<OutgoingEvent> events = new ArrayList<>();
        for (SignUp s : signUps) {
            CloudEvent e = publisher.event(TYPE, s);
            byId.put(e.getId(), s);
            events.add(OutgoingEvent.of(e));
        }
        publisher.publishAll(events).join();
        return byId;
    }

    /** Up to {@code max} jobs in the dead-letter queue, with their reasons. */
    public List<DeadLetter> deadLetters(int max) throws InterruptedException {
        return sluice.deadLetters(spec).peek(max);
    }

    /**
     * Sends the jobs that ran out of attempts back to the queue; jobs dead-lettered for a permanent reason
     * (a malformed address) stay where they are.
     */
    public DeadLetters.RedriveResult redriveExhausted() throws InterruptedException {
        return sluice.deadLetters(spec).redrive(d -> d.reason()
                .map(r -> r.cause() == DeadLetterReason.Cause.MAX_ATTEMPTS).orElse(false));
    }

    /** The queue's spec. */
    public QueueSpec queueSpec() {
        return spec;
    }

    /** Stops the worker (running jobs finish first). */
    @Override
    public void close() {
        worker.close();
    }

    /** Publishes 100 jobs, waits, shows the dead letters, fixes the full mailbox and redrives. */
    public static void main(String[] args) throws Exception {
        QueueSpec spec = spec(SampleQueues.fromSystem());
        SimulatedMailer mailer = new SimulatedMailer(new Random(42), 0.10);
        mailer.mailboxFull(FULL_MAILBOX);
        Progress progress = new Progress();
        try (Sluice sluice = progress.countPublishes(Sluice.builder()).build();
             WelcomeEmailSample sample = new WelcomeEmailSample(sluice, spec, mailer, progress)) {
            System.out.println("Publishing 100 " + TYPE + " jobs to " + spec.uri());
            sample.publish(signUps(100));
            progress.awaitIdle(Duration.ofMinutes(2));
            System.out.println(progress.line());

            List<DeadLetter> dead = sample.deadLetters(progress.deadLettered());
            System.out.println(dead.size() + " in " + sluice.deadLetters(spec).uri() + ":");
            for (DeadLetter d : dead) {
                SignUp s = sluice.events().bind(d.event(), SignUp.class);
                System.out.println("  " + s.email() + ": " + d.reason().map(DeadLetterReason::summary).orElse("(no reason)"));
            }

            mailer.mailboxEmptied(FULL_MAILBOX);
            DeadLetters.RedriveResult r = sample.redriveExhausted();
            System.out.println("Mailbox emptied; redrove " + r.moved() + " job(s), left " + r.kept() + " in the DLQ");
            progress.awaitIdle(Duration.ofMinutes(2));
            System.out.println(progress.line());
            System.out.println(mailer.sent().size() + " welcome e-mails sent");
        }
    }
}
