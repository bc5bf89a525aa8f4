import dev.sluice.DeadLetterFilter;
import dev.sluice.PermanentFailureException;
import dev.sluice.QueueSpec;
import dev.sluice.core.DeadLetters;
import dev.sluice.core.Sluice;
import dev.sluice.worker.Worker;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What the dead-letter operations cost on one broker: makes N dead letters with a failing worker, then times a
 * first page, a last page, a count, a redrive of all and a purge. Not a test: a measurement, run by hand (README).
 *
 *   java -cp cli/target/sluice-cli-*-all.jar benchmarks/deadletters/DeadLetterOps.java <queue-uri> [N]
 */
public class DeadLetterOps {
    public static void main(String[] args) throws Exception {
        URI uri = URI.create(args[0]);
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        try (Sluice sluice = Sluice.create()) {
            QueueSpec spec = QueueSpec.builder(uri).build();
            long t0 = System.nanoTime();
            try (Worker worker = sluice.worker(spec).on("bench", (e, d) -> {
                throw new PermanentFailureException("refused");
            }).start()) {
                var publisher = sluice.publisher(uri);
                List<CompletableFuture<?>> sent = new ArrayList<>();
                for (int i = 0; i < n; i++) sent.add(publisher.publish("bench", java.util.Map.of("n", i)));
                for (var f : sent) f.get();
                // the depth where the broker tells it (a count, which reads the DLQ, where it does not: Pub/Sub)
                DeadLetters dead = sluice.deadLetters(spec);
                while (sluice.stats(spec).deadLetterQueue().visible().isPresent()
                        ? sluice.stats(spec).deadLetterQueue().visible().getAsLong() < n
                        : dead.count(DeadLetterFilter.all()) < n) {
                    Thread.sleep(200);
                }
            }
            System.out.printf("%d dead letters made in %.1f s%n", n, (System.nanoTime() - t0) / 1e9);
            DeadLetters dead = sluice.deadLetters(spec);
            time("first page of 50", () -> dead.browse(DeadLetterFilter.all(), 0, 50).letters().size());
            time("last page of 50", () -> dead.browse(DeadLetterFilter.all(), n - 50, 50).letters().size());
            time("count (dry run)", () -> dead.count(DeadLetterFilter.all()));
            time("redrive all", () -> dead.redriveAll().moved());
            time("purge (nothing left)", () -> dead.purge(DeadLetterFilter.all()));
        }
    }

    interface Op {
        Object run() throws Exception;
    }

    static void time(String what, Op op) throws Exception {
        long t = System.nanoTime();
        Object result = op.run();
        double s = (System.nanoTime() - t) / 1e9;
        System.out.printf("%-22s %8.2f s  (result %s)%n", what, s, result);
    }
}
