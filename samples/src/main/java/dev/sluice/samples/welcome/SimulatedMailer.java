package dev.sluice.samples.welcome;

import dev.sluice.Scheduler;
import dev.sluice.samples.Chance;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A mail server that fails now and then, the same way on every run.
 *
 * <p>The {@code n}-th send to an address fails with probability {@code failureRate}, decided by
 * {@link #fails(long, String, int, double)}, from the mailer's seed (drawn from the {@code Random} passed in),
 * the address and {@code n} (see {@link Chance}): the same sends fail on every run, whichever handler
 * thread gets there first.
 *
 * <p>An address can also be marked as a full mailbox ({@link #mailboxFull(String)}): every send to it fails
 * until {@link #mailboxEmptied(String)}. That is how the sample makes a job that exhausts its attempts.
 */
public final class SimulatedMailer implements Mailer {

    /** A sent message. */
    public record Sent(String to, String subject, String body) {
    }

    private final long seed;
    private final double failureRate;
    private final Scheduler scheduler;
    private final Duration latency;
    private final Map<String, Integer> sends = new ConcurrentHashMap<>();
    private final Set<String> fullMailboxes = ConcurrentHashMap.newKeySet();
    private final List<Sent> sent = new CopyOnWriteArrayList<>();

    /**
     * @param random      the source of this mailer's seed (one {@code nextLong()} is drawn at construction)
     * @param failureRate the probability that a send fails, 0..1
     */
    public SimulatedMailer(Random random, double failureRate) {
        this(random, failureRate, null, Duration.ZERO);
    }

    /**
     * A mailer whose sends also take between half and one and a half times {@code latency}, timed on
     * {@code scheduler} (the demo uses it, so that handling times mean something).
     */
    public SimulatedMailer(Random random, double failureRate, Scheduler scheduler, Duration latency) {
        if (!(failureRate >= 0 && failureRate <= 1)) throw new IllegalArgumentException("failureRate must be within 0..1");
        this.seed = random.nextLong();
        this.failureRate = failureRate;
        this.scheduler = scheduler;
        this.latency = latency;
    }

    @Override
    public void send(String to, String subject, String body) throws MailException, InterruptedException {
        if (scheduler != null && !latency.isZero()) talkToServer();
        if (fullMailboxes.contains(to)) throw new MailException("552 mailbox full: " + to);
        int n = sends.merge(to, 1, Integer::sum);
        if (fails(seed, to, n, failureRate)) {
            throw new MailException("451 temporary failure, try again later (simulated; send #" + n + " to " + to + ")");
        }
        sent.add(new Sent(to, subject, body));
    }

    private void talkToServer() throws InterruptedException {
        CountDownLatch answered = new CountDownLatch(1);
        long nanos = (long) (latency.toNanos() * (0.5 + ThreadLocalRandom.current().nextDouble()));
        Scheduler.Cancellable timer = scheduler.schedule(Duration.ofNanos(nanos), answered::countDown);
        try {
            answered.await(1, TimeUnit.MINUTES);
        } finally {
            timer.cancel();
        }
    }

    /** Every send to {@code address} fails from now on ("552 mailbox full"). */
    public void mailboxFull(String address) {
        fullMailboxes.add(address);
    }

    /** Sends to {@code address} work again. */
    public void mailboxEmptied(String address) {
        fullMailboxes.remove(address);
    }

    /** The messages sent, in the order they were. */
    public List<Sent> sent() {
        return List.copyOf(sent);
    }

    /** Whether the {@code n}-th send (1 for the first) to {@code address} fails, for a mailer with {@code seed}. */
    public static boolean fails(long seed, String address, int n, double failureRate) {
        return Chance.fails(seed, address, n, failureRate);
    }
}
