package dev.sluice.interceptor;

import dev.sluice.Interceptor;
import dev.sluice.Outcome;
import io.cloudevents.CloudEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Logs each delivery's lifecycle through SLF4J (logger {@code dev.sluice.lifecycle}): started and succeeded
 * at DEBUG, retry scheduled (with its delay) at INFO, dead-lettered (with its reason) at WARN, with
 * {@code sluice.eventId}, {@code sluice.eventType}, {@code sluice.queue} and {@code sluice.attempt} in the MDC
 * for the handler's own log lines too.
 */
public final class LoggingInterceptor implements Interceptor {
    private static final Logger log = LoggerFactory.getLogger("dev.sluice.lifecycle");
    private final String queue;

    public LoggingInterceptor(String queue) {
        this.queue = queue;
    }

    @Override
    public Outcome intercept(Chain chain) throws Exception {
        CloudEvent event = chain.event();
        String attempt = chain.delivery().attempt().isPresent()
                ? String.valueOf(chain.delivery().attempt().getAsInt()) : "?";
        try (MDC.MDCCloseable a = MDC.putCloseable("sluice.eventId", event.getId());
             MDC.MDCCloseable b = MDC.putCloseable("sluice.eventType", event.getType());
             MDC.MDCCloseable c = MDC.putCloseable("sluice.queue", queue);
             MDC.MDCCloseable d = MDC.putCloseable("sluice.attempt", attempt)) {
            log.debug("started {} {} (attempt {}) from {}", event.getType(), event.getId(), attempt, queue);
            Outcome outcome = chain.proceed();
            if (outcome instanceof Outcome.Retry r) {
                log.info("failed {} {} (attempt {}): {}; retry in {} ms", event.getType(), event.getId(), attempt,
                        r.cause().toString(), r.delay().toMillis());
            } else if (outcome instanceof Outcome.DeadLetter dl) {
                log.warn("dead-lettering {} {} from {}: {}", event.getType(), event.getId(), queue, dl.reason().summary());
            } else {
                log.debug("succeeded {} {} (attempt {})", event.getType(), event.getId(), attempt);
            }
            return outcome;
        }
    }
}
