package dev.sluice;

import io.cloudevents.CloudEvent;

/**
 * Cross-cutting behaviour around every handler call (logging, metrics, tracing, idempotency), as a chain:
 * each interceptor calls {@link Chain#proceed()} exactly once, or not at all to short-circuit with an
 * outcome of its own, and sees the outcome the engine decided (ack, retry with its delay, dead-letter with
 * its reason).
 */
@FunctionalInterface
public interface Interceptor {

    Outcome intercept(Chain chain) throws Exception;

    /** The call in progress. */
    interface Chain {
        CloudEvent event();

        Delivery delivery();

        /** Runs the rest of the chain and the handler. Call it at most once. */
        Outcome proceed() throws Exception;
    }
}
