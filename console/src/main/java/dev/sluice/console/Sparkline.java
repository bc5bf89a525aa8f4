package dev.sluice.console;

import java.util.List;

/** A small inline SVG line chart of a series (gaps, -1, are left out), labelled for screen readers. */
final class Sparkline {
    static final int WIDTH = 120;
    static final int HEIGHT = 28;

    private Sparkline() {
    }

    /** @param slots how many samples fill the width (an hour's worth) */
    static String svg(List<Long> values, int slots, String label) {
        long max = values.stream().mapToLong(Long::longValue).max().orElse(0);
        long min = values.stream().filter(v -> v >= 0).mapToLong(Long::longValue).min().orElse(0);
        long last = values.isEmpty() ? -1 : values.get(values.size() - 1);
        String description = values.isEmpty() ? label + ": no samples yet"
                : label + " over the last hour: lowest " + min + ", highest " + Math.max(max, 0) + ", now " + (last < 0 ? "unknown" : last);
        StringBuilder points = new StringBuilder();
        double step = (double) WIDTH / Math.max(1, slots - 1);
        int offset = slots - values.size();
        for (int i = 0; i < values.size(); i++) {
            long v = values.get(i);
            if (v < 0) continue;
            double x = (offset + i) * step;
            double y = HEIGHT - 2 - (max <= 0 ? 0 : (double) v / max * (HEIGHT - 4));
            points.append(String.format(java.util.Locale.ROOT, "%.1f,%.1f ", x, y));
        }
        return "<svg class=\"spark\" width=\"" + WIDTH + "\" height=\"" + HEIGHT + "\" viewBox=\"0 0 " + WIDTH + " " + HEIGHT
                + "\" role=\"img\" aria-label=\"" + Html.escape(description) + "\"><title>" + Html.escape(description)
                + "</title><polyline fill=\"none\" stroke=\"currentColor\" stroke-width=\"1.5\" points=\""
                + points.toString().trim() + "\"/></svg>";
    }
}
