package dev.sluice.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code sluice dlq}: the group of dead-letter commands; alone, prints its usage and exits 2. */
@Command(name = "dlq", mixinStandardHelpOptions = true, header = "Peek at, redrive or purge the dead letters of a queue",
        description = {"Each command reads the DLQ by receiving with a lease: a dead letter being read is invisible to"
            + " other readers until the command ends, and what it does not move or delete is released at the end."},
        commandListHeading = "%nCommands:%n")
final class DlqCommand implements Runnable {
    private final CliContext context;

    @Spec
    CommandSpec spec;

    DlqCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public void run() {
        spec.commandLine().usage(context.env.err());
        throw new CliFailure(ExitCode.USAGE, "dlq needs a command: peek, redrive or purge");
    }
}
