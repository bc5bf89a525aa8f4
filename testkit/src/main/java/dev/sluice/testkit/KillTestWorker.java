package dev.sluice.testkit;

import dev.sluice.QueueSpec;
import dev.sluice.core.Sluice;
import dev.sluice.worker.Worker;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The worker a driver's kill test runs in a process of its own and kills with SIGKILL: it handles {@link #TYPE}
 * events from the queue URI in {@code args[0]}, appending each handled event id to the file {@code args[1]} before
 * the handler returns (so before its ack; one {@code write} per id, so what was written survives the kill), and
 * never stops by itself. {@code args[2]}, optional, is the lease in seconds (default 2).
 */
public final class KillTestWorker {
    /** The type of the events a kill test publishes. */
    public static final String TYPE = "dev.sluice.kill";

    private KillTestWorker() {
    }

    /** The spec of the killed worker and of the one that finishes its queue. */
    public static QueueSpec spec(String uri, Duration lease) {
        return QueueSpec.builder(uri).lease(lease).concurrency(8).build();
    }

    public static void main(String[] args) throws Exception {
        Duration lease = Duration.ofSeconds(args.length > 2 ? Long.parseLong(args[2]) : 2);
        try (FileOutputStream out = new FileOutputStream(args[1], true); Sluice sluice = Sluice.create();
             Worker worker = sluice.worker(spec(args[0], lease)).withoutLogging().on(TYPE, (e, d) -> {
                 TimeUnit.MILLISECONDS.sleep(2); // some work, so that the kill lands mid-run
                 synchronized (out) {
                     try {
                         out.write((e.getId() + "\n").getBytes(StandardCharsets.UTF_8));
                     } catch (IOException x) {
                         throw new UncheckedIOException(x);
                     }
                 }
             }).start()) {
            System.out.println("worker started on " + args[0]);
            Thread.currentThread().join(); // until killed
        }
    }
}
