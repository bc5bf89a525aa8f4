package dev.sluice.console;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Failed logins per remote address (a token that proves nothing, through the login form or an
 * {@code Authorization: Bearer} header): after {@value #MAX_FAILURES} within {@link #WINDOW}, the address is refused
 * (429 with {@code Retry-After}) until the oldest of them is {@link #WINDOW} old, whatever it sends. Bounded: at most
 * {@value #MAX_FAILURES} instants for each of at most {@value #MAX_ADDRESSES} addresses; when that many addresses
 * have failed within the window, a new address is refused too (fail closed) and a warning logged.
 */
final class LoginThrottle {
    private static final Logger log = LoggerFactory.getLogger(LoginThrottle.class);
    static final int MAX_FAILURES = 10;
    static final Duration WINDOW = Duration.ofMinutes(1);
    static final int MAX_ADDRESSES = 10_000;

    private final Clock clock;
    private final int maxAddresses;
    private final Map<String, ArrayDeque<Instant>> failures = new HashMap<>();   // guarded by this
    private Instant lastSweep = Instant.MIN;
    private boolean warnedFull;

    LoginThrottle(Clock clock) {
        this(clock, MAX_ADDRESSES);
    }

    LoginThrottle(Clock clock, int maxAddresses) {
        this.clock = clock;
        this.maxAddresses = maxAddresses;
    }

    /** How long {@code address} must wait before trying again; zero when it may try now. */
    synchronized Duration retryAfter(String address) {
        Instant now = clock.instant();
        ArrayDeque<Instant> times = failures.get(address);
        if (times == null) {
            if (!full(now)) return Duration.ZERO;
            if (!warnedFull) {
                log.warn("console: {} addresses failed to log in within {}: refusing logins from new addresses until some"
                        + " of them age out", maxAddresses, WINDOW);
                warnedFull = true;
            }
            return WINDOW;
        }
        expire(times, now);
        if (times.isEmpty()) {
            failures.remove(address);
            return Duration.ZERO;
        }
        if (times.size() < MAX_FAILURES) return Duration.ZERO;
        Duration wait = Duration.between(now, times.peekFirst().plus(WINDOW));
        return wait.isNegative() || wait.isZero() ? Duration.ZERO : wait;
    }

    /** Counts a failed login of {@code address}. */
    synchronized void failed(String address) {
        Instant now = clock.instant();
        ArrayDeque<Instant> times = failures.get(address);
        if (times == null) {
            if (full(now)) return;   // refused by retryAfter anyway
            times = new ArrayDeque<>(MAX_FAILURES);
            failures.put(address, times);
        }
        expire(times, now);
        if (times.size() == MAX_FAILURES) times.pollFirst();
        times.addLast(now);
    }

    /** How many addresses are tracked. */
    synchronized int size() {
        return failures.size();
    }

    /** Whether no new address fits, after dropping those whose failures all aged out (at most once a second). */
    private boolean full(Instant now) {
        if (failures.size() < maxAddresses) {
            warnedFull = false;
            return false;
        }
        if (now.isAfter(lastSweep.plusSeconds(1))) {
            lastSweep = now;
            failures.values().removeIf(times -> {
                expire(times, now);
                return times.isEmpty();
            });
        }
        return failures.size() >= maxAddresses;
    }

    private static void expire(ArrayDeque<Instant> times, Instant now) {
        Instant cutoff = now.minus(WINDOW);
        while (!times.isEmpty() && !times.peekFirst().isAfter(cutoff)) times.pollFirst();
    }
}
