package dev.sluice.observe;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listeners called in order, each in its own {@code try}: a failing listener is logged (its first failure
 * with the stack trace, later ones at debug, so a broken listener cannot flood the log) and never reaches
 * the engine.
 */
final class ShieldedListeners implements SluiceListener {
    private static final Logger log = LoggerFactory.getLogger(ShieldedListeners.class);

    private final List<SluiceListener> listeners;
    private final List<AtomicBoolean> failedBefore;

    ShieldedListeners(List<SluiceListener> listeners) {
        this.listeners = List.copyOf(listeners);
        this.failedBefore = this.listeners.stream().map(l -> new AtomicBoolean()).toList();
    }

    @Override
    public void onEvent(SluiceEvent event) {
        for (int i = 0; i < listeners.size(); i++) {
            try {
                listeners.get(i).onEvent(event);
            } catch (Throwable t) {
                if (t instanceof VirtualMachineError && !(t instanceof StackOverflowError)) throw (VirtualMachineError) t;
                if (!failedBefore.get(i).getAndSet(true)) {
                    log.warn("listener {} failed on {}; ignored (later failures of it are logged at debug)",
                            listeners.get(i), event.getClass().getSimpleName(), t);
                } else {
                    log.debug("listener {} failed on {}: {}", listeners.get(i), event.getClass().getSimpleName(), t.toString());
                }
            }
        }
    }
}
