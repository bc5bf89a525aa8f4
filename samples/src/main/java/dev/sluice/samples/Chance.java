package dev.sluice.samples;

import java.util.Random;

/**
 * The samples' simulated failures, made repeatable: whether the {@code n}-th try of {@code key} fails is a
 * {@link Random} seeded from the seed, the key and {@code n}. The outcome depends only on those, not on
 * which handler thread gets there first (a single shared {@code Random} drawn from by eight handler threads
 * would fail different jobs on every run), so a test can work out from the seed what must happen.
 */
public final class Chance {
    private Chance() {
    }

    /** Whether the {@code n}-th try (1 for the first) of {@code key} fails, at rate {@code p}, for {@code seed}. */
    public static boolean fails(long seed, String key, int n, double p) {
        long k = mix(mix(seed ^ key.hashCode()) + n);
        return new Random(k).nextDouble() < p;
    }

    /** MurmurHash3's 64-bit finaliser: nearby inputs give unrelated outputs. */
    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }
}
