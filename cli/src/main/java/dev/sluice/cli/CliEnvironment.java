package dev.sluice.cli;

import dev.sluice.core.Sluice;
import dev.sluice.crypto.KeyProvider;
import java.io.PrintWriter;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;

/**
 * What a run of the CLI reads and writes: the environment and system properties (the runtime's configuration
 * sources), the two output streams, whether stderr is a terminal (progress updates in place), where Sluice comes
 * from, and how Ctrl-C reaches a long command. The process's own for {@code main}; a test passes its own.
 *
 * @param env           environment variables ({@code SLUICE_*}, and the drivers' own, e.g. {@code PUBSUB_EMULATOR_HOST})
 * @param system        system properties ({@code sluice.*})
 * @param out           standard output: tables, JSON, summaries
 * @param err           standard error: progress, hints, errors
 * @param errIsTerminal whether {@code err} is a terminal
 * @param sluice        opens the Sluice a command uses, with the configured key provider when the command decrypts
 * @param ownsSluice    whether a command closes that Sluice when done (false when a test shares its own)
 * @param interrupts    where Ctrl-C is announced
 */
record CliEnvironment(Map<String, String> env, Properties system, PrintWriter out, PrintWriter err,
                      boolean errIsTerminal, Function<Optional<KeyProvider>, Sluice> sluice, boolean ownsSluice, Interrupts interrupts) {

    CliEnvironment {
        env = Map.copyOf(env);
        Objects.requireNonNull(system, "system");
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(err, "err");
        Objects.requireNonNull(sluice, "sluice");
        Objects.requireNonNull(interrupts, "interrupts");
    }

    /** The process's: its environment, {@code System.out}/{@code err}, a Sluice of its own, a shutdown hook for Ctrl-C. */
    static CliEnvironment ofProcess() {
        Map<String, String> env = System.getenv();
        boolean terminal = "true".equals(System.getProperty("sluice.cli.stderr-terminal",
                String.valueOf(System.console() != null)));
        return new CliEnvironment(env, System.getProperties(), new PrintWriter(System.out, true),
                new PrintWriter(System.err, true), terminal, keys -> openSluice(env, keys), true, Interrupts.shutdownHook());
    }

    /** The Sluice the CLI opens: the drivers' settings from {@code env}, and {@code keys} to decrypt with. */
    static Sluice openSluice(Map<String, String> env, Optional<KeyProvider> keys) {
        Sluice.Builder b = Sluice.builder().environment(env::get);
        keys.ifPresent(b::keyProvider);
        return b.build();
    }
}
