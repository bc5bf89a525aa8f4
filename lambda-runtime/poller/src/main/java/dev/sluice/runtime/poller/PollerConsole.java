package dev.sluice.runtime.poller;

import dev.sluice.ConfigurationException;
import dev.sluice.core.Sluice;
import dev.sluice.runtime.config.RuntimeConfig;

/**
 * The web console of {@code SLUICE_CONSOLE=on}. {@code sluice-console} is an optional dependency: this class names
 * its types, and is loaded only once the setting asks for the console and the class path has it.
 */
final class PollerConsole {
    private static final String CONSOLE_CLASS = "dev.sluice.console.SluiceConsole";

    /** The started console and its port. */
    record Started(AutoCloseable console, int port) {
    }

    private PollerConsole() {
    }

    static Started start(Sluice sluice, RuntimeConfig config) {
        try {
            Class.forName(CONSOLE_CLASS, false, PollerConsole.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new ConfigurationException("SLUICE_CONSOLE is 'on', but sluice-console is not on the class path: add the"
                    + " dependency dev.sluice:sluice-console, or set SLUICE_CONSOLE=off");
        }
        return Opened.open(sluice, config);
    }

    /** Names the console's types; loaded only after the check above. */
    private static final class Opened {
        static Started open(Sluice sluice, RuntimeConfig config) {
            dev.sluice.console.SluiceConsole console = dev.sluice.console.ConsoleMain.start(sluice, config);
            return new Started(console, console.port());
        }
    }
}
