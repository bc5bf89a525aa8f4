package dev.sluice.cli;

import dev.sluice.core.DeadLetters;
import java.io.PrintWriter;
import java.util.concurrent.TimeUnit;

/**
 * The progress of a long redrive or purge on stderr: counts and rate, rewritten in place ({@code \r}) on a
 * terminal, at most ten times a second; plain lines at most once a second otherwise (a log stays readable).
 */
final class ProgressLine implements AutoCloseable {
    private final PrintWriter err;
    private final boolean terminal;
    private final String verb;
    private final long started = System.nanoTime();
    private long lastPrinted;
    private int width;
    private DeadLetters.Progress printed;
    private DeadLetters.Progress latest = new DeadLetters.Progress(0, 0, 0);

    ProgressLine(PrintWriter err, boolean terminal, String verb) {
        this.err = err;
        this.terminal = terminal;
        this.verb = verb;
    }

    synchronized void update(DeadLetters.Progress p) {
        latest = p;
        long now = System.nanoTime();
        long gap = terminal ? TimeUnit.MILLISECONDS.toNanos(100) : TimeUnit.SECONDS.toNanos(1);
        if (printed != null && now - lastPrinted < gap) return;
        lastPrinted = now;
        printed = p;
        print(text(now));
    }

    private String text(long now) {
        double seconds = Math.max(1e-3, (now - started) / 1e9);
        return String.format(java.util.Locale.ROOT, "%s %d, kept %d, read %d (%.1f/s, %.1f s)", verb, latest.done(),
                latest.kept(), latest.seen(), latest.seen() / seconds, seconds);
    }

    private void print(String line) {
        if (terminal) {
            err.print("\r" + line + " ".repeat(Math.max(0, width - line.length())));
            width = line.length();
        } else {
            err.println(line);
        }
        err.flush();
    }

    /** Leaves the final counts on a line of their own. */
    @Override
    public synchronized void close() {
        if (printed == null && latest.seen() == 0) return;
        if (terminal) {
            print(text(System.nanoTime()));
            err.println();
        } else if (!latest.equals(printed)) {
            err.println(text(System.nanoTime()));
        }
        err.flush();
    }
}
