package dev.sluice.runtime.hosts;

import com.google.inject.AbstractModule;
import dev.sluice.Delivery;
import dev.sluice.EventHandler;
import dev.sluice.PermanentFailureException;
import dev.sluice.PublishOptions;
import dev.sluice.core.Sluice;
import dev.sluice.runtime.inject.SluiceHandlers;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The contract's application: {@value #JOB} events whose JSON data says what the handler does, and
 * {@value #FOLLOW_UP} events (the follow-ups a job emits), handled by doing nothing. Named in
 * {@code SLUICE_MODULES} for the Lambda child JVM (no-argument constructor); in-process hosts pass the
 * {@link Journal} to read.
 */
public final class ContractModule extends AbstractModule {
    static final String JOB = "contract.job";
    static final String FOLLOW_UP = "contract.followup";
    static final String NOBODY = "contract.nobody";

    private final Journal journal;

    public ContractModule() {
        this(new Journal());
    }

    ContractModule(Journal journal) {
        this.journal = journal;
    }

    /** The data of a job: {@code act} is what its handler does; {@code to} where {@code emit-to} publishes. */
    public record Job(String act, String to) {
        static Job of(String act) {
            return new Job(act, null);
        }

        Map<String, Object> data() {
            return to == null ? Map.of("act", act) : Map.of("act", act, "to", to);
        }
    }

    @Override
    protected void configure() {
        bind(Journal.class).toInstance(journal);
        SluiceHandlers handlers = SluiceHandlers.bind(binder());
        handlers.on(JOB).to(JobHandler.class);
        handlers.on(FOLLOW_UP).toInstance((event, delivery) -> journal.ran(new Journal.Run(journal.next(), event.getId(), "follow-up", 0, null)));
    }

    /**
     * Acts as the job says: {@code ok}; {@code fail} (an exception); {@code fail-once} (an exception on its first run only); {@code permanent} (a
     * {@link PermanentFailureException}); {@code no-class-def} and {@code stack-overflow} (an {@link Error});
     * {@code emit} (a follow-up to the queue's own publisher); {@code emit-to} (a follow-up through a publisher
     * to {@code to}); {@code slow} (asks for a lease extension, then blocks until interrupted).
     */
    public static final class JobHandler implements EventHandler {
        private final Journal journal;
        private final Sluice sluice;

        @com.google.inject.Inject
        JobHandler(Journal journal, Sluice sluice) {
            this.journal = journal;
            this.sluice = sluice;
        }

        @Override
        public void handle(CloudEvent event, Delivery delivery) throws Exception {
            Job job = delivery.data(Job.class);
            int attempt = delivery.attempt().orElse(0);
            Boolean extended = job.act().equals("slow") ? delivery.extendLease(Duration.ofSeconds(60)) : null;
            journal.ran(new Journal.Run(journal.next(), event.getId(), job.act(), attempt, extended));
            switch (job.act()) {
                case "ok" -> { }
                case "fail" -> throw new IllegalStateException("job " + event.getId() + " failed on purpose");
                case "fail-once" -> {
                    if (journal.runs(event.getId()).size() == 1) throw new IllegalStateException("first run of " + event.getId() + " fails");
                }
                case "permanent" -> throw new PermanentFailureException("job " + event.getId() + " can never succeed");
                case "no-class-def" -> throw new NoClassDefFoundError("com/acme/Missing");
                case "stack-overflow" -> throw new StackOverflowError("job " + event.getId() + " recursed too deep");
                case "emit" -> delivery.emit(FOLLOW_UP, Map.of("of", event.getId()));
                case "emit-to" -> delivery.emit(sluice.publisher(job.to()), CloudEventBuilder.v1()
                        .withId(event.getId() + "-follow-up").withSource(URI.create("/contract")).withType(FOLLOW_UP)
                        .withData("application/json", "{}".getBytes(StandardCharsets.UTF_8)).build(), PublishOptions.NONE);
                case "slow" -> {
                    try {
                        new CountDownLatch(1).await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        journal.interrupted(event.getId());
                        throw e;
                    }
                    throw new IllegalStateException("job " + event.getId() + " was never interrupted");
                }
                default -> throw new IllegalArgumentException("unknown act " + job.act());
            }
        }
    }
}
