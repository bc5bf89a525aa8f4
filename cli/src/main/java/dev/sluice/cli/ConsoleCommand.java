package dev.sluice.cli;

import dev.sluice.ConfigurationException;
import dev.sluice.console.ConsoleMain;
import dev.sluice.console.SluiceConsole;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;

/** {@code sluice console}: the web console on the configured queues, until Ctrl-C. */
@Command(name = "console", mixinStandardHelpOptions = true, header = "Serve the web console on the configured queues",
        description = {"Serve the web console (queues, dead letters, redrive, purge) on the queues of the configuration "
            + "(SLUICE_QUEUE_*, or the --config file) until Ctrl-C. Access is set by SLUICE_CONSOLE_AUTH and its tokens "
            + "or OIDC settings; without them the console refuses to start (SLUICE_CONSOLE_AUTH=none serves 127.0.0.1 "
            + "without authentication). SLUICE_CONSOLE_HOST and SLUICE_CONSOLE_PORT say where it listens."})
final class ConsoleCommand implements Callable<Integer> {
    private final CliContext context;

    ConsoleCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws InterruptedException {
        // the configured key (SLUICE_KEYRING or SLUICE_KMS_KEY) lets an operator's "Show data" decrypt
        try (Session session = context.session(true)) {
            SluiceConsole console;
            try {
                console = ConsoleMain.start(session.sluice(), session.config());
            } catch (ConfigurationException e) {
                throw new CliFailure(ExitCode.USAGE, "the console cannot start: " + e.getMessage()
                        + "\n  what to do: set SLUICE_CONSOLE_AUTH=token with SLUICE_CONSOLE_VIEWER_TOKEN and"
                        + " SLUICE_CONSOLE_OPERATOR_TOKEN, or the SLUICE_CONSOLE_OIDC_* settings (see 'sluice help console')");
            }
            CountDownLatch stopped = new CountDownLatch(1);
            Interrupts.Registration interrupt = context.env.interrupts().register(stopped::countDown);
            try {
                context.env.err().println("sluice: console serving on port " + console.port() + " (Ctrl-C stops it)");
                context.env.err().flush();
                stopped.await();
            } finally {
                console.close(); // before the interrupt is let go: the JVM exits once it is
                interrupt.close();
            }
            return ExitCode.OK;
        }
    }
}
