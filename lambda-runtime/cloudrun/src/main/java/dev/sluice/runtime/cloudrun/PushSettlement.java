package dev.sluice.runtime.cloudrun;

import com.sun.net.httpserver.HttpExchange;
import dev.sluice.pipeline.Settlement;
import java.io.IOException;
import java.time.Duration;

/**
 * The Cloud Run host's settlement: the outcome leaves as the push request's answer. Ack is 204; retry is
 * 503 with {@code Retry-After} (Pub/Sub push backs off by the subscription's retry policy). A push request
 * cannot extend its lease: the subscription's ack deadline bounds the handler.
 */
final class PushSettlement implements Settlement {
    private Duration retryAfter;
    private boolean settled;

    @Override
    public synchronized void ack() {
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

    /** Answers the request with the outcome; a message the pipeline did not settle comes again. */
    synchronized void answer(HttpExchange exchange) throws IOException {
        if (settled && retryAfter == null) {
            PushHandler.answer(exchange, 204, null);
            return;
        }
        long seconds = retryAfter == null ? 1 : Math.max(1, (retryAfter.toMillis() + 999) / 1000);
        exchange.getResponseHeaders().set("Retry-After", String.valueOf(seconds));
        PushHandler.answer(exchange, 503, "retry later");
    }
}
