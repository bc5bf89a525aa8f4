package dev.sluice.cli;

import java.net.URI;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The queue whose dead letters a {@code dlq} command works on, and its DLQ when it is not the usual one. */
final class DlqArguments {
    @Parameters(index = "0", paramLabel = "<queue>",
            description = "a configured queue name (SLUICE_QUEUE_<NAME>_URI) or a queue URI; its dead letters are read")
    String queue;

    @Option(names = "--dlq", paramLabel = "<uri>",
            description = "the dead-letter queue, when it is neither the configured one nor the driver's <queue>-dlq")
    URI deadLetterQueue;

    QueueTarget resolve(Session session) {
        return session.resolve(queue, deadLetterQueue);
    }
}
