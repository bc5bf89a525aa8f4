package dev.sluice.console;

/** What a person may do in the console. */
public enum Role {
    /** Reads queues, stats and dead letters' reasons and attributes; never payloads; changes nothing. */
    VIEWER,
    /** A viewer who may also show payloads, redrive and purge. */
    OPERATOR;

    /** Whether this role may show payloads and change queues. */
    boolean operates() {
        return this == OPERATOR;
    }

    String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
