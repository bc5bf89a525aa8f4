package dev.sluice.runtime.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.sluice.runtime.inject.SluiceRuntime;
import dev.sluice.sqs.SqsLambdaEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The AWS Lambda handler for SQS event source mappings:
 * {@code dev.sluice.runtime.lambda.SqsLambdaHandler::handleRequest}. Enable
 * {@code ReportBatchItemFailures} on the event source mapping. The application is configured by the
 * {@code SLUICE_*} variables and built once per execution environment (cold start), when Lambda creates
 * this handler.
 *
 * <p>Returns {@code {"batchItemFailures":[{"itemIdentifier":"<messageId>"}, ...]}}. Handled and
 * dead-lettered records are not listed, so Lambda deletes them. Only a failure of the host itself (an
 * event that is not an SQS event, a record from an unconfigured queue) throws, and Lambda retries the
 * whole batch.
 */
public final class SqsLambdaHandler implements RequestStreamHandler {
    private static final JsonFactory JSON = new JsonFactory();

    private final BatchProcessor processor;

    /** The constructor Lambda calls: builds (once per process) the runtime from the environment. */
    public SqsLambdaHandler() {
        this(Shared.runtime());
    }

    /** A handler over a runtime built elsewhere (tests, custom bootstraps). */
    public SqsLambdaHandler(SluiceRuntime runtime) {
        int threads = runtime.config().queues().stream().mapToInt(q -> q.spec().concurrency()).max().orElse(1);
        this.processor = new BatchProcessor(new QueueResolver(runtime.pipelines()), pool(threads));
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        long left = context == null ? java.util.concurrent.TimeUnit.DAYS.toMillis(1) : context.getRemainingTimeInMillis();
        List<String> failures = processor.process(SqsLambdaEvent.read(input), System.nanoTime() + left * 1_000_000);
        try (JsonGenerator g = JSON.createGenerator(output)) {
            g.writeStartObject();
            g.writeArrayFieldStart("batchItemFailures");
            for (String id : failures) {
                g.writeStartObject();
                g.writeStringField("itemIdentifier", id);
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
    }

    private static ExecutorService pool(int threads) {
        AtomicInteger n = new AtomicInteger();
        return Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "sluice-lambda-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** The one runtime of this execution environment. */
    private static final class Shared {
        private static SluiceRuntime runtime;

        static synchronized SluiceRuntime runtime() {
            if (runtime == null) runtime = SluiceRuntime.start();
            return runtime;
        }
    }
}
