package dev.sluice.samples.orders;

import dev.sluice.Interceptor;
import dev.sluice.Outcome;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * Fault injection for the sample: for the events {@code when} picks, on their first delivery, lets the
 * handler run to the end (its follow-ups are published) and then reports a failure instead of the ack, as
 * if the worker had died just before acknowledging. The broker delivers the event again, which is what the
 * idempotent {@link InventoryHandler} is for.
 */
public final class CrashBeforeAck implements Interceptor {
    private final Predicate<io.cloudevents.CloudEvent> when;
    private final Duration redeliverAfter;

    public CrashBeforeAck(Predicate<io.cloudevents.CloudEvent> when, Duration redeliverAfter) {
        this.when = when;
        this.redeliverAfter = redeliverAfter;
    }

    @Override
    public Outcome intercept(Chain chain) throws Exception {
        Outcome outcome = chain.proceed();
        boolean first = chain.delivery().attempt().orElse(1) == 1;
        if (outcome instanceof Outcome.Ack && first && when.test(chain.event())) {
            return new Outcome.Retry(redeliverAfter, new IllegalStateException("simulated crash before the ack"));
        }
        return outcome;
    }
}
