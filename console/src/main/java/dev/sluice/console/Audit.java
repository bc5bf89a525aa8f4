package dev.sluice.console;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log: one line per state-changing action (and per payload shown), on the logger {@code dev.sluice.audit}:
 * who (a name, never a token), their role, what, which queue, how many, and the filter or ids chosen. Never a payload.
 */
final class Audit {
    static final String LOGGER = "dev.sluice.audit";
    private static final Logger log = LoggerFactory.getLogger(LOGGER);

    void record(Principal who, String action, String queue, long count, String detail) {
        log.info("console who={} role={} action={} queue={} count={}{}", clean(who.name()), who.role().label(), action,
                clean(queue), count, detail == null || detail.isEmpty() ? "" : " " + clean(detail));
    }

    /** One line: no line breaks from user input. */
    private static String clean(String s) {
        return s.replaceAll("[\\r\\n\\t]", " ");
    }
}
