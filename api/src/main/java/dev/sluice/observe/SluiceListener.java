package dev.sluice.observe;

import java.util.List;

/**
 * Receives the {@link SluiceEvent}s of a {@code Sluice}: register with {@code Sluice.builder().listener(...)}
 * (several are called in the order registered). Called synchronously on the thread where the thing
 * happened (a handler thread, a receive loop, a publisher's sender), so a listener must be quick and
 * thread-safe; one that throws is logged and never breaks processing.
 */
@FunctionalInterface
public interface SluiceListener {

    /** A listener that ignores every event. */
    SluiceListener NONE = event -> { };

    /** Called once for each event. */
    void onEvent(SluiceEvent event);

    /**
     * The listeners as one, called in order, each shielded: whatever one throws ({@link VirtualMachineError}s
     * apart) is logged and the next is still called. The engine calls listeners only through this.
     */
    static SluiceListener of(List<SluiceListener> listeners) {
        if (listeners.size() == 1 && listeners.get(0) instanceof ShieldedListeners shielded) return shielded;
        return new ShieldedListeners(listeners);
    }
}
