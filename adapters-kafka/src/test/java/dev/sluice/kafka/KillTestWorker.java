package dev.sluice.kafka;

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
 * The worker {@link KafkaKillTest} runs in a process of its own and kills with SIGKILL: it works the queue named in
 * {@code args[0]}, writing each event id it handled to {@code args[1]} (one {@code write} per id, so what was written
 * survives the kill), and never stops by itself.
 */
public final class KillTestWorker {
    private KillTestWorker() {
    }

    static QueueSpec spec(String uri) {
        return QueueSpec.builder(uri).lease(Duration.ofSeconds(2)).concurrency(8).build();
    }

    public static void main(String[] args) throws Exception {
        try (FileOutputStream out = new FileOutputStream(args[1], true); Sluice sluice = Sluice.create();
             Worker worker = sluice.worker(spec(args[0])).withoutLogging().on(KafkaKillTest.TYPE, (e, d) -> {
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
