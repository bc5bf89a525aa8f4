package dev.sluice.rabbitmq;

import dev.sluice.QueueSpec;
import dev.sluice.core.Sluice;
import dev.sluice.worker.Worker;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The worker process {@link RabbitKillTest} kills: handles {@code dev.sluice.kill} events from the queue URI in
 * {@code args[0]}, appending each handled event id to the file {@code args[1]} before the handler returns (so
 * before its ack), until it is killed.
 */
public final class KillTestWorker {
    private KillTestWorker() {
    }

    public static void main(String[] args) throws Exception {
        QueueSpec spec = QueueSpec.builder(args[0]).lease(Duration.ofSeconds(30)).concurrency(8).build();
        try (PrintStream out = new PrintStream(new FileOutputStream(args[1], true), true, StandardCharsets.UTF_8);
             Sluice sluice = Sluice.create();
             Worker worker = sluice.worker(spec).withoutLogging().on("dev.sluice.kill", (e, d) -> {
                 Thread.sleep(3);
                 synchronized (out) {
                     out.println(e.getId());
                 }
             }).start()) {
            System.out.println("READY");
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
