package dev.sluice.bench;

import java.lang.management.ManagementFactory;
import java.time.Duration;

/** CPU time of this JVM and of a child process: work per message, which a busy machine inflates less than wall time. */
final class Cpu {
    private Cpu() {
    }

    /** CPU nanoseconds this JVM has used. */
    static long self() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) return sun.getProcessCpuTime();
        return -1;
    }

    /** CPU nanoseconds {@code p} has used, or -1. */
    static long of(Process p) {
        return p.toHandle().info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
    }
}
