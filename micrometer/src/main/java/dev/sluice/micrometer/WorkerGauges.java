package dev.sluice.micrometer;

import dev.sluice.worker.Worker;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import java.util.List;
import java.util.Objects;

/**
 * Gauges of a poller {@link Worker}'s handler slots: how many are free now ({@link Worker#freeSlots()}) and how many
 * it has ({@code QueueSpec.concurrency()}). With {@value SluiceMetrics#ACTIVE} they answer "is this worker
 * saturated?": free slots at 0 for long means more concurrency or more workers would take more. Lambda and
 * Cloud Run have no slots of their own (the platform scales instances).
 *
 * <table>
 *   <caption>Gauges</caption>
 *   <tr><th>name</th><th>what</th></tr>
 *   <tr><td>{@value #FREE}</td><td>slots holding no message (received and not settled)</td></tr>
 *   <tr><td>{@value #SLOTS}</td><td>the worker's concurrency</td></tr>
 * </table>
 * Each carries the queue's {@code messaging.system} and {@code messaging.destination.name}.
 */
public final class WorkerGauges {
    /** Sluice: a worker's handler slots holding no message. */
    public static final String FREE = "sluice.handlers.free";
    /** Sluice: a worker's handler slots (its concurrency). */
    public static final String SLOTS = "sluice.handlers.slots";

    private WorkerGauges() {
    }

    /** Registers the gauges of {@code worker}; they hold the worker strongly (until the registry drops them). */
    public static void register(MeterRegistry registry, Worker worker) {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(worker, "worker");
        List<Tag> tags = List.of(Tag.of(Tags.SYSTEM, Tags.system(worker.spec().uri())),
                Tag.of(Tags.DESTINATION, Tags.destination(worker.spec().uri())));
        Gauge.builder(FREE, worker, Worker::freeSlots).description("handler slots holding no message")
                .tags(tags).strongReference(true).register(registry);
        Gauge.builder(SLOTS, worker, w -> w.spec().concurrency()).description("handler slots (the worker's concurrency)")
                .tags(tags).strongReference(true).register(registry);
    }
}
