package dev.sluice.cli;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code sluice completion}: the bash (and zsh) completion script, made by picocli from the commands themselves. */
@Command(name = "completion", mixinStandardHelpOptions = true, header = "Print a bash completion script",
        description = {"Print a bash completion script for sluice (zsh too, after 'autoload -U bashcompinit; bashcompinit'). "
            + "Load it now: source <(sluice completion); for good: sluice completion > /etc/bash_completion.d/sluice"})
final class CompletionCommand implements Runnable {
    private final CliContext context;

    @Spec
    CommandSpec spec;

    CompletionCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public void run() {
        context.env.out().print(AutoComplete.bash("sluice", spec.root().commandLine()));
        context.env.out().flush();
    }
}
