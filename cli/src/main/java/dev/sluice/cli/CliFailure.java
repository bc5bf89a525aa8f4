package dev.sluice.cli;

import dev.sluice.ErrorCode;
import dev.sluice.SluiceException;

/**
 * A failure the CLI reports as one message and an {@link ExitCode}: never with a payload in it (messages name the
 * queue, the broker and what to do).
 */
final class CliFailure extends RuntimeException {
    private final int exitCode;

    CliFailure(int exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }

    /** A broker call on {@code target} that failed, with its exit code and what to do. */
    static CliFailure broker(QueueTarget target, String action, SluiceException e) {
        int code = switch (e.code()) {
            case NOT_FOUND, UNAVAILABLE, PERMISSION_DENIED, THROTTLED -> ExitCode.UNREACHABLE;
            default -> ExitCode.FAILURE;
        };
        return new CliFailure(code, action + " " + target.describe() + " failed: " + e.getMessage() + "\n"
                + "  what to do: " + hint(e.code(), target));
    }

    private static String hint(ErrorCode code, QueueTarget target) {
        return switch (code) {
            case NOT_FOUND -> "check the queue name or URI ('sluice queues' lists the configured ones); a worker creates"
                    + " its queues when it starts";
            case UNAVAILABLE -> "check that the " + target.broker() + " broker is running and reachable at the URI's"
                    + " endpoint or host, then try again";
            case PERMISSION_DENIED -> "check the credentials the " + target.broker() + " driver finds (the provider's"
                    + " default chain) and their permissions on the queue";
            case THROTTLED -> "the broker is throttling calls; try again in a moment";
            default -> "see the message above; run again, or check the broker's own console";
        };
    }
}
