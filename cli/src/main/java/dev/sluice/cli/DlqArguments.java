package dev.sluice.cli;

import dev.sluice.SluiceException;
import dev.sluice.core.DeadLetters;
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

    /** The dead letters of {@code target}; a broker that fails the opening is named with the queue. */
    static DeadLetters open(Session session, QueueTarget target) {
        try {
            return session.sluice().deadLetters(target.spec());
        } catch (SluiceException e) {
            throw CliFailure.broker(target, "opening", e);
        }
    }
}
