package dev.sluice.pipeline;

import dev.sluice.Interceptor;
import dev.sluice.Publisher;
import dev.sluice.QueueSpec;
import dev.sluice.Router;
import dev.sluice.Scheduler;
import java.util.List;

/**
 * Host SPI: where a host gets the pipeline of a queue. A {@code Sluice} is one; the poller's worker and the
 * function hosts take their pipelines from it, so no host builds one itself.
 */
public interface Pipelines {

    /**
     * Opens {@code spec}'s queue (checking the spec against the broker and provisioning it, which fails here
     * when the broker cannot honour the spec) and returns its pipeline, with exactly these interceptors,
     * outermost first.
     *
     * @param followUps where {@code Delivery.emit} publishes by default; null for the queue itself
     */
    Pipeline pipeline(QueueSpec spec, Router router, List<Interceptor> interceptors, Publisher followUps);

    /** The time source the pipelines and their hosts share. */
    Scheduler scheduler();
}
