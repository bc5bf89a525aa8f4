package dev.sluice.cli;

/** The exit codes a script can rely on; {@code sluice --help} lists them. */
final class ExitCode {
    /** Done. */
    static final int OK = 0;
    /** The command failed (a broker refused a call, a redrive left dead letters in both queues). */
    static final int FAILURE = 1;
    /** Bad usage or configuration: an unknown option, a bad value, purge without {@code --yes}. */
    static final int USAGE = 2;
    /** The queue or the broker cannot be reached, or does not exist. */
    static final int UNREACHABLE = 3;
    /** Interrupted (Ctrl-C): what was in hand was finished first. */
    static final int INTERRUPTED = 130;

    /** The table in {@code --help}. */
    static final String[] HELP = {
        "Exit codes:",
        "  0    ok",
        "  1    the command failed",
        "  2    usage or configuration error",
        "  3    the queue or broker is unreachable or not found",
        "  130  interrupted (Ctrl-C); what was in hand was finished first",
    };

    private ExitCode() {
    }
}
