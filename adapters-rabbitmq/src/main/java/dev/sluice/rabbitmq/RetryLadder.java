package dev.sluice.rabbitmq;

import java.time.Duration;
import java.util.List;

/**
 * The delays RabbitMQ can keep without a plugin. There is no per-message delay in a queue (a message's own
 * {@code expiration} only ends at the head of the queue, so a long delay would hold up short ones behind it), so
 * each step of this ladder is a queue of its own, {@code <queue>.retry.<ms>}, whose {@code x-message-ttl} is the
 * step and whose dead-letter route leads back to the queue. All messages of one retry queue wait equally long,
 * so they leave it in order and on time. A delay is rounded <em>up</em> to the next step: never early, at most
 * 2.5 times late below 10 s and at most 2 times late above.
 */
final class RetryLadder {
    private RetryLadder() {
    }

    /** The steps, in milliseconds. */
    static final List<Long> STEPS_MS = List.of(
            100L, 250L, 500L, 1_000L, 2_000L, 5_000L, 10_000L, 15_000L, 30_000L, 60_000L, 120_000L, 300_000L,
            600_000L, 900_000L, 1_800_000L, 3_600_000L, 7_200_000L, 14_400_000L, 28_800_000L, 43_200_000L);

    /** The longest delay: 12 hours (SQS's longest too). */
    static final Duration MAX = Duration.ofMillis(STEPS_MS.get(STEPS_MS.size() - 1));

    /** The step a delay waits for: the smallest at least as long; longer than {@link #MAX} is refused by the caller. */
    static long stepFor(Duration delay) {
        long ms = delay.toMillis() + (delay.toNanosPart() % 1_000_000 > 0 ? 1 : 0);
        for (long step : STEPS_MS) {
            if (step >= ms) return step;
        }
        return STEPS_MS.get(STEPS_MS.size() - 1);
    }

    /** The retry queue of {@code queue} for a step. */
    static String queueName(String queue, long stepMs) {
        return queue + ".retry." + stepMs;
    }
}
