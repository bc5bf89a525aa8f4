package dev.sluice.runtime.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Typed reads of settings; a value that does not parse adds a problem naming its origin and returns the fallback. */
final class Values {
    private final Map<String, Setting> settings;
    private final List<String> problems;

    Values(Map<String, Setting> settings, List<String> problems) {
        this.settings = settings;
        this.problems = problems;
    }

    boolean has(String variable) {
        return settings.containsKey(variable);
    }

    String origin(String variable) {
        Setting s = settings.get(variable);
        return s == null ? variable : s.origin();
    }

    String string(String variable) {
        Setting s = settings.get(variable);
        return s == null ? null : s.value();
    }

    int integer(String variable, int fallback, int min, int max) {
        Setting s = settings.get(variable);
        if (s == null) return fallback;
        try {
            int n = Integer.parseInt(s.value());
            if (n >= min && n <= max) return n;
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add(s.origin() + " is '" + s.value() + "': write a whole number from " + min
                + (max == Integer.MAX_VALUE ? " up" : " to " + max));
        return fallback;
    }

    double decimal(String variable, double fallback, double min, double max) {
        Setting s = settings.get(variable);
        if (s == null) return fallback;
        try {
            double d = Double.parseDouble(s.value());
            if (d >= min && d <= max) return d;
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add(s.origin() + " is '" + s.value() + "': write a number from " + min
                + (max == Double.MAX_VALUE ? " up" : " to " + max) + ", e.g. 2.0");
        return fallback;
    }

    Duration duration(String variable, Duration fallback) {
        Setting s = settings.get(variable);
        if (s == null) return fallback;
        Duration d = Durations.parse(s.value());
        if (d == null || d.isNegative()) {
            problems.add(s.origin() + " is '" + s.value() + "': write a duration such as 500ms, 30s, 5m, 1h or PT30S");
            return fallback;
        }
        return d;
    }

    boolean bool(String variable, boolean fallback) {
        Setting s = settings.get(variable);
        if (s == null) return fallback;
        switch (s.value().toLowerCase(Locale.ROOT)) {
            case "true": return true;
            case "false": return false;
            default:
                problems.add(s.origin() + " is '" + s.value() + "': write true or false");
                return fallback;
        }
    }

    URI uri(String variable) {
        Setting s = settings.get(variable);
        if (s == null) return null;
        try {
            URI u = new URI(s.value());
            if (u.getScheme() != null) return u;
            problems.add(s.origin() + " is '" + s.value() + "', which has no scheme: write e.g. sqs://orders,"
                    + " pubsub://projects/p/topics/orders?subscription=orders-worker or mem://orders");
        } catch (URISyntaxException e) {
            problems.add(s.origin() + " is not a valid URI (" + e.getMessage() + ")");
        }
        return null;
    }

    /** One of {@code choices} (lower case), or the fallback. */
    String choice(String variable, String fallback, List<String> choices) {
        Setting s = settings.get(variable);
        if (s == null) return fallback;
        String v = s.value().toLowerCase(Locale.ROOT);
        if (choices.contains(v)) return v;
        problems.add(s.origin() + " is '" + s.value() + "': write one of " + String.join(", ", choices));
        return fallback;
    }
}
