package dev.sluice.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** {@code sluice}: with no command, prints the usage (as {@code git} does) and exits 2. */
@Command(name = "sluice", mixinStandardHelpOptions = true, sortOptions = false,
        synopsisHeading = "usage: ",
        customSynopsis = {"sluice [-h | --help] [-V | --version] [--config=<file>]", "              <command> [<args>]"},
        description = {"", "Look at the queues of Sluice workers and act on their dead letters, on every broker Sluice"
                + " drives (SQS, Pub/Sub, RabbitMQ, Redis, Kafka, mem://)."},
        optionListHeading = "%nOptions:%n",
        commandListHeading = "%nThese are the sluice commands:%n",
        footerHeading = "%n",
        footer = {
            "A <queue> is a name configured as for the workers (SLUICE_QUEUE_<NAME>_URI, sluice.queue.<name>.uri, or"
                + " the --config properties file) or a queue URI, e.g. sqs://orders?endpoint=http://127.0.0.1:9324."
                + " Dead-letter data is never shown unless asked for with --show-data.",
            "",
            "See 'sluice help <command>' or 'sluice <command> --help' to read about a command;"
                + " 'source <(sluice completion)' completes commands and options in bash.",
            ""})
final class SluiceCommand implements Runnable {
    private final CliContext context;

    @Spec
    CommandSpec spec;

    SluiceCommand(CliContext context) {
        this.context = context;
    }

    @Option(names = "--config", paramLabel = "<file>", scope = ScopeType.INHERIT,
            description = "a properties file with the queues (sluice.queue.<name>.uri=...), as SLUICE_CONFIG_FILE")
    void configFile(String file) {
        context.configFile = file;
    }

    @Override
    public void run() {
        spec.commandLine().usage(context.env.err());
        throw new CliFailure(ExitCode.USAGE, "no command given");
    }
}
