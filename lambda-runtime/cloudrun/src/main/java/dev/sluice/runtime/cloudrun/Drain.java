package dev.sluice.runtime.cloudrun;

import java.time.Duration;

/** Counts requests in flight, refuses new ones once draining, and waits for the running ones to finish. */
final class Drain {
    private int inFlight;
    private boolean draining;

    synchronized boolean enter() {
        if (draining) return false;
        inFlight++;
        return true;
    }

    /** From now on, {@link #enter()} refuses. */
    synchronized void startDraining() {
        draining = true;
    }

    synchronized boolean draining() {
        return draining;
    }

    synchronized int inFlight() {
        return inFlight;
    }

    synchronized void exit() {
        inFlight--;
        if (inFlight == 0) notifyAll();
    }

    /** Stops admitting requests; waits up to {@code timeout} for those running. True when none is left. */
    synchronized boolean drain(Duration timeout) throws InterruptedException {
        draining = true;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (inFlight > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) return false;
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }
}
