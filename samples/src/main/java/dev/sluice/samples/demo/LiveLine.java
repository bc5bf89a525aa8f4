package dev.sluice.samples.demo;

import java.io.Console;
import java.io.PrintStream;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A status line that refreshes in place on a terminal ({@code \r}, ten times a second) and, when the output
 * is not a terminal (a CI log, a pipe), is printed as plain lines, only when it changed and at most once a
 * second, so logs stay readable.
 */
final class LiveLine implements AutoCloseable {
    private final PrintStream out;
    private final boolean terminal;
    private final Supplier<String> text;
    private final ScheduledExecutorService timer;
    private String last = "";
    private int width;
    private long lastPlain;

    LiveLine(PrintStream out, boolean terminal, String prefix, Supplier<String> text) {
        this.out = out;
        this.terminal = terminal;
        this.text = () -> prefix + text.get();
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "demo-progress");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(this::refresh, 0, 100, TimeUnit.MILLISECONDS);
    }

    /**
     * Whether standard output is a terminal. {@code System.console()} answers that on Java 17 to 21; from
     * Java 22 it returns a console even when output is redirected, and {@code Console.isTerminal()} (called
     * reflectively, as this compiles for 17) tells. {@code -Dsluice.demo.plain=true} forces plain lines.
     */
    static boolean isTerminal() {
        if (Boolean.getBoolean("sluice.demo.plain")) return false;
        Console console = System.console();
        if (console == null) return false;
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (NoSuchMethodException e) {
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    private synchronized void refresh() {
        String now = text.get();
        if (terminal) {
            if (now.equals(last)) return;
            out.print("\r" + now + " ".repeat(Math.max(0, width - now.length())));
            out.flush();
            width = now.length();
            last = now;
        } else {
            long t = System.nanoTime();
            if (Objects.equals(now, last) || t - lastPlain < TimeUnit.SECONDS.toNanos(1)) return;
            out.println(now);
            last = now;
            lastPlain = t;
        }
    }

    /** Stops refreshing and leaves the final state on its own line. */
    @Override
    public synchronized void close() {
        timer.shutdownNow();
        String now = text.get();
        if (terminal) {
            out.println("\r" + now + " ".repeat(Math.max(0, width - now.length())));
        } else if (!now.equals(last)) {
            out.println(now);
        }
        out.flush();
    }
}
