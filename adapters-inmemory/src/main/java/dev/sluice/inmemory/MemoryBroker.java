package dev.sluice.inmemory;

import dev.sluice.Scheduler;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The queues of one {@link MemoryDriverProvider}, created on first use. */
public final class MemoryBroker {
    private final Scheduler scheduler;
    private final Map<String, MemoryQueue> queues = new ConcurrentHashMap<>();

    MemoryBroker(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    /** The queue named {@code name}, created empty if it does not exist. */
    public MemoryQueue queue(String name) {
        return queues.computeIfAbsent(name, n -> new MemoryQueue(n, scheduler));
    }
}
