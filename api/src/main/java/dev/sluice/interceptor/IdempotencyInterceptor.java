package dev.sluice.interceptor;

import dev.sluice.Interceptor;
import dev.sluice.Outcome;
import io.cloudevents.CloudEvent;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At-least-once with consumer deduplication: an event (keyed by CloudEvent {@code source} and {@code id})
 * whose handler already succeeded is acknowledged without running the handler again. While one delivery of
 * an event is being handled, a concurrent duplicate is retried shortly rather than run twice. This is not
 * exactly-once: a crash between the handler's effect and the ack still repeats the effect once, unless the
 * {@link Store} shares the handler's transaction.
 */
public final class IdempotencyInterceptor implements Interceptor {
    private static final Logger log = LoggerFactory.getLogger(IdempotencyInterceptor.class);
    static final Duration IN_PROGRESS_RETRY = Duration.ofSeconds(1);

    private final Store store;

    /** Where handled keys are remembered. Implementations must be thread-safe. */
    public interface Store {
        /** Marks {@code key} in progress unless it is already; says what it was before. */
        State begin(String key);

        /** The handler succeeded: remember the key as done. */
        void complete(String key);

        /** The handler did not succeed: forget the key so a redelivery runs it. */
        void abandon(String key);
    }

    /** What a store knew of a key. */
    public enum State { NEW, IN_PROGRESS, DONE }

    public IdempotencyInterceptor(Store store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    /** An interceptor remembering the last {@code capacity} handled events in this process. */
    public static IdempotencyInterceptor inMemory(int capacity) {
        return new IdempotencyInterceptor(new MemoryStore(capacity));
    }

    @Override
    public Outcome intercept(Chain chain) throws Exception {
        CloudEvent event = chain.event();
        String key = event.getSource() + "\n" + event.getId();
        switch (store.begin(key)) {
            case DONE -> {
                log.debug("event {} from {} was already handled; acknowledging the duplicate", event.getId(), event.getSource());
                return Outcome.ACK;
            }
            case IN_PROGRESS -> {
                return new Outcome.Retry(IN_PROGRESS_RETRY, new IllegalStateException(
                        "event " + event.getId() + " is being handled by another delivery"));
            }
            default -> { }
        }
        Outcome outcome;
        try {
            outcome = chain.proceed();
        } catch (Exception | Error e) {
            store.abandon(key);
            throw e;
        }
        // Only a handled event is done. A dead-lettered one is not: its dead letter may not reach the DLQ (then
        // it comes back and must run), and a redriven dead letter, same id and source, must run again.
        if (outcome instanceof Outcome.Ack) store.complete(key);
        else store.abandon(key);
        return outcome;
    }

    /** A bounded in-process store: the oldest done keys are forgotten first. */
    static final class MemoryStore implements Store {
        private final Map<String, State> states;

        MemoryStore(int capacity) {
            this.states = new LinkedHashMap<>(256, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, State> eldest) {
                    return size() > capacity && eldest.getValue() == State.DONE;
                }
            };
        }

        @Override
        public synchronized State begin(String key) {
            State before = states.get(key);
            if (before == null) states.put(key, State.IN_PROGRESS);
            return before == null ? State.NEW : before;
        }

        @Override
        public synchronized void complete(String key) {
            states.put(key, State.DONE);
        }

        @Override
        public synchronized void abandon(String key) {
            states.remove(key);
        }
    }
}
