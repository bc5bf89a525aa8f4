package dev.sluice.cli;

import dev.sluice.core.Sluice;
import dev.sluice.crypto.KeyProvider;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Runs the CLI in-process through picocli's {@code CommandLine.execute}, capturing stdout and stderr; can press
 * Ctrl-C (the registered interrupt) the moment stderr first shows a text, as a user watching the progress would.
 */
final class CliHarness {
    private final Map<String, String> env;
    private final Function<Optional<KeyProvider>, Sluice> sluice;
    private final boolean ownsSluice;

    /** What one run printed and returned. */
    record Result(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    /** A CLI that uses the test's {@code sluice}, whatever key the configuration holds. */
    CliHarness(Map<String, String> env, Supplier<Sluice> sluice, boolean ownsSluice) {
        this(env, keys -> sluice.get(), ownsSluice);
    }

    /** A CLI that opens a Sluice of its own from {@code env}, as the jar does (with the configured key to decrypt). */
    static CliHarness opening(Map<String, String> env) {
        return new CliHarness(env, (Function<Optional<KeyProvider>, Sluice>) keys -> CliEnvironment.openSluice(env, keys), true);
    }

    private CliHarness(Map<String, String> env, Function<Optional<KeyProvider>, Sluice> sluice, boolean ownsSluice) {
        this.env = env;
        this.sluice = sluice;
        this.ownsSluice = ownsSluice;
    }

    Result run(String... args) {
        return run(null, args);
    }

    /** Runs, and interrupts (Ctrl-C) when stderr first contains {@code trigger}. */
    Result runInterruptedAt(String trigger, String... args) {
        return run(trigger, args);
    }

    private Result run(String trigger, String[] args) {
        StringWriter out = new StringWriter();
        AtomicReference<Runnable> onInterrupt = new AtomicReference<>();
        StringBuilder errText = new StringBuilder();
        Writer err = new Writer() {
            private boolean fired;

            @Override
            public synchronized void write(char[] c, int off, int len) {
                errText.append(c, off, len);
                if (!fired && trigger != null && errText.indexOf(trigger) >= 0 && onInterrupt.get() != null) {
                    fired = true;
                    onInterrupt.get().run();
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Interrupts interrupts = action -> {
            onInterrupt.set(action);
            return () -> onInterrupt.set(null);
        };
        CliEnvironment environment = new CliEnvironment(env, new Properties(), new PrintWriter(out, true),
                new PrintWriter(err, true), false, sluice, ownsSluice, interrupts);
        int exit = SluiceCli.commandLine(environment).execute(args);
        synchronized (err) {
            return new Result(exit, out.toString(), errText.toString());
        }
    }
}
