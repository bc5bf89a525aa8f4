package dev.sluice.bench;

import java.time.LocalTime;
import java.time.temporal.ChronoUnit;

/** Progress on stderr, with the wall clock. */
final class Log {
    private Log() {
    }

    static void info(String format, Object... args) {
        System.err.println("[bench " + LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + "] " + String.format(java.util.Locale.ROOT, format, args));
    }
}
