package dev.sluice.runtime.cloudrun;

import dev.sluice.pipeline.Settlement;
import java.time.Duration;

/**
 * The Cloud Run host's settlement: the outcome leaves as the push request's answer. Ack is 204; retry is
 * 503 with {@code Retry-After} (Pub/Sub push backs off by the subscription's retry policy). A push request
 * cannot extend its lease: the subscription's ack deadline bounds the handler. A dead-lettered message is acked
 * (204): a push subscription has no other way to end a message.
 */
final class PushSettlement implements Settlement {
    private Duration retryAfter;
    private boolean settled;

    @Override
    public synchronized void ack() {
        settled = true;
    }

    @Override
    public synchronized void deadLettered() {
        settled = true;
    }

    @Override
    public synchronized void retry(Duration delay) {
        settled = true;
        retryAfter = delay;
    }

    @Override
    public boolean extendLease(Duration lease) {
        return false;
    }

    /** 204 when acked; else 503 (a message the pipeline did not settle comes again). */
    synchronized int status() {
        return settled && retryAfter == null ? 204 : 503;
    }

    /** The {@code Retry-After} seconds of a 503: the retry delay rounded up, at least 1. */
    synchronized long retryAfterSeconds() {
        return retryAfter == null ? 1 : Math.max(1, (retryAfter.toMillis() + 999) / 1000);
    }
}
