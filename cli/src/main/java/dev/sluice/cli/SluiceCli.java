package dev.sluice.cli;

import dev.sluice.ConfigurationException;
import dev.sluice.SluiceException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.HelpCommand;

/**
 * The {@code sluice} command: {@code java -jar sluice-cli-<version>-all.jar <command>}, or {@code cli/bin/sluice}.
 * Exit codes: 0 ok, 1 failure, 2 usage or configuration error, 3 queue or broker unreachable or not found, 130
 * interrupted.
 */
public final class SluiceCli {

    private SluiceCli() {
    }

    public static void main(String[] args) {
        int code = commandLine(CliEnvironment.ofProcess()).execute(args);
        System.exit(code);
    }

    /** The command line, with every command, writing to and reading from {@code env}. */
    static CommandLine commandLine(CliEnvironment env) {
        CliContext context = new CliContext(env);
        CommandLine dlq = new CommandLine(new DlqCommand(context))
                .addSubcommand(new DlqPeekCommand(context))
                .addSubcommand(new DlqRedriveCommand(context))
                .addSubcommand(new DlqPurgeCommand(context));
        CommandLine cli = new CommandLine(new SluiceCommand(context))
                .addSubcommand(new QueuesCommand(context))
                .addSubcommand(dlq)
                .addSubcommand(new PublishCommand(context))
                .addSubcommand(new CompletionCommand(context))
                // TODO(console): the web console's 'sluice console' command is added here by the console module
                .addSubcommand(new HelpCommand());
        cli.getCommandSpec().version("sluice " + version());
        cli.getCommandSpec().usageMessage().footer(footer(cli.getCommandSpec().usageMessage().footer()));
        cli.setExpandAtFiles(false); // --data @file.json is the command's own, not picocli's argument file
        cli.setOut(env.out());
        cli.setErr(env.err());
        cli.setExecutionExceptionHandler((e, commandLine, parsed) -> failed(e, env));
        return cli;
    }

    private static String[] footer(String[] footer) {
        String[] all = java.util.Arrays.copyOf(footer, footer.length + ExitCode.HELP.length);
        System.arraycopy(ExitCode.HELP, 0, all, footer.length, ExitCode.HELP.length);
        return all;
    }

    /** One line (or two, with what to do) on stderr, and the exit code; never a stack trace, never a payload. */
    private static int failed(Exception e, CliEnvironment env) {
        int code;
        String message;
        if (e instanceof CliFailure f) {
            code = f.exitCode();
            message = f.getMessage();
        } else if (e instanceof ConfigurationException c) {
            code = ExitCode.USAGE;
            message = c.getMessage();
        } else if (e instanceof SluiceException s) {
            code = s.code().retryable() ? ExitCode.UNREACHABLE : ExitCode.FAILURE;
            message = s.getMessage();
        } else if (e instanceof InterruptedException) {
            code = ExitCode.INTERRUPTED;
            message = "interrupted";
        } else {
            code = ExitCode.FAILURE;
            message = "unexpected " + e.getClass().getName() + ": " + e.getMessage();
        }
        env.err().println("sluice: " + message);
        env.err().flush();
        return code;
    }

    private static String version() {
        Properties p = new Properties();
        try (InputStream in = SluiceCli.class.getResourceAsStream("/sluice-cli.properties")) {
            if (in != null) p.load(in);
        } catch (IOException e) {
            return "(unknown version)";
        }
        return p.getProperty("version", "(unknown version)");
    }
}
