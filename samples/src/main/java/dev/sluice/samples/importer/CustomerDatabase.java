package dev.sluice.samples.importer;

import dev.sluice.Scheduler;
import dev.sluice.samples.Chance;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Where imported customers go. A write of a chunk takes {@code latency} on Sluice's {@link Scheduler} (so a
 * test on a virtual clock controls it) and now and then fails with a deadlock, as busy databases do: the
 * {@code n}-th write of chunk {@code c} fails when {@link #deadlocks(long, int, int, double)} says so, which
 * depends only on the seed drawn from the {@link Random} passed in. Writes are upserts by customer id, so
 * writing a chunk twice changes nothing.
 */
public final class CustomerDatabase {
    private static final Duration WALL_BOUND = Duration.ofMinutes(2);

    /** A transient failure: the transaction was chosen as a deadlock victim; try again. */
    public static final class DeadlockException extends Exception {
        private static final long serialVersionUID = 1L;

        public DeadlockException(String message) {
            super(message);
        }
    }

    private final Scheduler scheduler;
    private final Duration latency;
    private final long seed;
    private final double deadlockRate;
    private final Map<String, Customer> customers = new ConcurrentHashMap<>();
    private final Map<Integer, Integer> writes = new ConcurrentHashMap<>();

    public CustomerDatabase(Scheduler scheduler, Duration latency, Random random, double deadlockRate) {
        this.scheduler = scheduler;
        this.latency = latency;
        this.seed = random.nextLong();
        this.deadlockRate = deadlockRate;
    }

    /** Upserts {@code batch} in one transaction; {@code chunk} identifies the write for the failure rule. */
    public void upsert(int chunk, List<Customer> batch) throws DeadlockException, InterruptedException, TimeoutException {
        CountDownLatch committed = new CountDownLatch(1);
        Scheduler.Cancellable timer = scheduler.schedule(latency, committed::countDown);
        try {
            if (!committed.await(WALL_BOUND.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new TimeoutException("the write of chunk " + chunk + " did not finish within " + WALL_BOUND);
            }
        } finally {
            timer.cancel();
        }
        int n = writes.merge(chunk, 1, Integer::sum);
        if (deadlocks(seed, chunk, n, deadlockRate)) {
            throw new DeadlockException("deadlock detected writing chunk " + chunk + " (simulated, write #" + n + ")");
        }
        for (Customer c : batch) customers.put(c.id(), c);
    }

    /** Customers stored. */
    public int size() {
        return customers.size();
    }

    /** Whether the {@code n}-th write (1 for the first) of {@code chunk} deadlocks, for a database with {@code seed}. */
    public static boolean deadlocks(long seed, int chunk, int n, double rate) {
        return Chance.fails(seed, "chunk-" + chunk, n, rate);
    }
}
