package dev.sluice.runtime.lambda;

import dev.sluice.pipeline.Pipeline;
import dev.sluice.sqs.SqsLambdaEvent;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the pipeline of a record's queue: the only configured queue, or the one whose URI names the queue
 * of the record's {@code eventSourceARN} ({@code sqs://orders.fifo?region=...} for {@code ...:orders.fifo}).
 */
final class QueueResolver {
    private final Map<String, Pipeline> pipelines;
    private final Map<String, Pipeline> byArn = new ConcurrentHashMap<>();

    QueueResolver(Map<String, Pipeline> pipelines) {
        this.pipelines = pipelines;
    }

    Pipeline resolve(SqsLambdaEvent.Record record) {
        if (pipelines.size() == 1) return pipelines.values().iterator().next();
        return byArn.computeIfAbsent(record.eventSourceArn(), arn -> {
            String name = record.queueName();
            for (Pipeline p : pipelines.values()) {
                if (name.equals(queueName(p.spec().uri()))) return p;
            }
            throw new IllegalStateException("a record comes from " + arn + ", but no configured queue is named '" + name
                    + "' (configured: " + pipelines.keySet() + "); set SLUICE_QUEUE_<NAME>_URI=sqs://" + name);
        });
    }

    private static String queueName(URI uri) {
        String path = uri.getPath();
        if (uri.getAuthority() != null && (path == null || path.isEmpty() || path.equals("/"))) return uri.getAuthority();
        return path == null ? "" : path.substring(path.lastIndexOf('/') + 1);
    }
}
