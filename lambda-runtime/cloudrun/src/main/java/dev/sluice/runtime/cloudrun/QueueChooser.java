package dev.sluice.runtime.cloudrun;

import dev.sluice.pipeline.Pipeline;
import java.util.Map;

/**
 * Picks the queue (and so the pipeline: retry policy, DLQ) of a request: {@code POST /queues/<name>}
 * names it; otherwise the only configured queue; otherwise the queue whose
 * {@code pubsub://...?subscription=<s>} names the pushing subscription.
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
            String short_ = subscription.substring(subscription.lastIndexOf('/') + 1);
            for (Pipeline p : pipelines.values()) {
                String query = p.spec().uri().getQuery();
                if (query == null) continue;
                for (String param : query.split("&")) {
                    if (param.equals("subscription=" + short_) || param.equals("subscription=" + subscription)) return p;
                }
            }
        }
        throw new Rejected(404, "cannot tell which of the configured queues " + pipelines.keySet() + " this request is for"
                + (subscription == null ? "" : " (subscription " + subscription + ")") + "; POST to /queues/<name>");
    }
}
