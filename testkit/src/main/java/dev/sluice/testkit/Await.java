package dev.sluice.testkit;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits, in a test, for something other threads make true. Checks on each {@link #TICK}; fails with a
 * description after {@code timeout}. This bounds a test's wait; it asserts no timing.
 */
public final class Await {
    /** How often the condition is checked. */
    public static final Duration TICK = Duration.ofMillis(5);
    /** The default bound for a wait. */
    public static final Duration DEFAULT = Duration.ofSeconds(30);

    private Await() {
    }

    /** Waits until {@code condition} holds, up to {@link #DEFAULT}. */
    public static void until(String what, BooleanSupplier condition) {
        until(what, condition, DEFAULT);
    }

    /** Waits until {@code condition} holds, up to {@code timeout}; fails with {@code what}. */
    public static void until(String what, BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out after " + timeout + " waiting for: " + what);
            try {
                Thread.sleep(TICK.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for: " + what);
            }
        }
    }

    /** Waits until {@code value} equals {@code expected}; fails showing the last value. */
    public static <T> void equal(String what, T expected, Supplier<T> value) {
        until(what + " == " + expected, () -> expected.equals(value.get()), DEFAULT);
    }
}
