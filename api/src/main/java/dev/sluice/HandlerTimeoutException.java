package dev.sluice;

import java.time.Duration;

/**
 * A handler ran past its queue's {@link QueueSpec#handlerTimeout()}: it was interrupted and the attempt
 * counts as failed, retried or dead-lettered by the queue's policy like any other failure.
 */
public final class HandlerTimeoutException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public HandlerTimeoutException(Duration timeout, Throwable cause) {
        super("the handler ran past its timeout of " + timeout.toSeconds() + "s", cause);
    }
}
