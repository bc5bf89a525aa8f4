package dev.sluice.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** The machine, as BENCHMARKS.md reports it. */
final class Machine {
    private Machine() {
    }

    static String describe() {
        String cpu = firstValue("/proc/cpuinfo", "model name");
        String mem = firstValue("/proc/meminfo", "MemTotal");
        String memText = mem;
        try {
            long kb = Long.parseLong(mem.replace("kB", "").trim());
            memText = String.format(Locale.ROOT, "%.1f GiB", kb / 1024.0 / 1024.0);
        } catch (NumberFormatException ignored) {
            // keep the raw text
        }
        return "- CPU: " + cpu + "; `nproc` = " + Runtime.getRuntime().availableProcessors() + "\n"
                + "- Memory: " + memText + "\n"
                + "- OS: " + System.getProperty("os.name") + " " + System.getProperty("os.version") + " ("
                + System.getProperty("os.arch") + ")\n"
                + "- JDK: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version") + " ("
                + System.getProperty("java.vendor") + ")\n";
    }

    private static String firstValue(String file, String key) {
        try {
            List<String> lines = Files.readAllLines(Path.of(file));
            for (String l : lines) {
                if (l.startsWith(key)) return l.substring(l.indexOf(':') + 1).trim();
            }
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
        return "unknown";
    }
}
