package dev.sluice.runtime.poller;

import dev.sluice.ConfigurationException;
import dev.sluice.core.Sluice;
import dev.sluice.observe.SluiceListener;
import dev.sluice.runtime.config.RuntimeConfig;
import java.util.Optional;

/**
 * The web console of {@code SLUICE_CONSOLE=on}. {@code sluice-console} is an optional dependency: this class names
 * its types, and is loaded only once the setting asks for the console and the class path has it. When the poller
 * serves metrics ({@code sluice-micrometer} present, {@code SLUICE_METRICS} on), the console reads its handled and
 * failed counters and shows the rates.
 */
final class PollerConsole {
    private static final String CONSOLE_CLASS = "dev.sluice.console.SluiceConsole";

    /** The started console and its port. */
    record Started(AutoCloseable console, int port) {
    }

    private PollerConsole() {
    }

    /** @param metrics the metrics listener registered on {@code sluice}, when the poller serves metrics */
    static Started start(Sluice sluice, RuntimeConfig config, Optional<SluiceListener> metrics) {
        try {
            Class.forName(CONSOLE_CLASS, false, PollerConsole.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new ConfigurationException("SLUICE_CONSOLE is 'on', but sluice-console is not on the class path: add the"
                    + " dependency dev.sluice:sluice-console, or set SLUICE_CONSOLE=off");
        }
        return Opened.open(sluice, config, metrics);
    }

    /** Names the console's types; loaded only after the check above. */
    private static final class Opened {
        static Started open(Sluice sluice, RuntimeConfig config, Optional<SluiceListener> metrics) {
            dev.sluice.console.SluiceConsole.Builder b = dev.sluice.console.SluiceConsole.builder(sluice, config);
            metrics.ifPresent(m -> b.outcomeTotals(WithMetrics.totals(m)));
            dev.sluice.console.SluiceConsole console = b.start();
            return new Started(console, console.port());
        }
    }

    /** Names Micrometer's types; loaded only when the metrics endpoint exists (so sluice-micrometer is present). */
    private static final class WithMetrics {
        static dev.sluice.console.OutcomeTotals totals(SluiceListener metrics) {
            return dev.sluice.console.MicrometerTotals.of((dev.sluice.micrometer.SluiceMetrics) metrics);
        }
    }
}
