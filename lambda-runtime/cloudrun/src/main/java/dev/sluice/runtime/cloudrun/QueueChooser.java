package dev.sluice.runtime.cloudrun;

import dev.sluice.pipeline.Pipeline;
import dev.sluice.pubsub.PubSubPush;
import java.util.Map;

/**
 * Picks the queue (and so the pipeline: retry policy, DLQ) of a request: {@code POST /queues/<name>}
 * names it; otherwise the only configured queue; otherwise the queue whose {@code pubsub://} URI names the
 * pushing subscription (the Pub/Sub adapter says which: {@link PubSubPush#namesSubscription}).
 */
final class QueueChooser {
    private final Map<String, Pipeline> pipelines;

    QueueChooser(Map<String, Pipeline> pipelines) {
        this.pipelines = pipelines;
    }

    Pipeline choose(String path, String subscription) throws Rejected {
        if (path.startsWith("/queues/")) {
            String name = path.substring("/queues/".length());
            Pipeline p = pipelines.get(name);
            if (p == null) throw new Rejected(404, "no queue named '" + name + "' is configured (configured: " + pipelines.keySet() + ")");
            return p;
        }
        if (pipelines.size() == 1) return pipelines.values().iterator().next();
        if (subscription != null) {
            for (Pipeline p : pipelines.values()) {
                if (PubSubPush.namesSubscription(p.spec().uri(), subscription)) return p;
            }
        }
        throw new Rejected(404, "cannot tell which of the configured queues " + pipelines.keySet() + " this request is for"
                + (subscription == null ? "" : " (subscription " + subscription + ")") + "; POST to /queues/<name>");
    }
}
