package dev.sluice.console;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * A small inline SVG line chart of a series sampled since the console started (at most its last hour), drawn across
 * the whole width however few samples there are: a baseline at zero, the line (broken where a read failed, -1), a dot
 * on the latest sample, and the range as a label beside it. Its {@code <title>} and {@code aria-label} say it in words:
 * "orders depth 0 → 5 over 12 min (lowest 0, highest 7)".
 */
final class Sparkline {
    static final int WIDTH = 120;
    static final int HEIGHT = 28;
    private static final double TOP = 3;
    private static final double BASE = HEIGHT - 3;
    private static final double LEFT = 2;
    private static final double RIGHT = WIDTH - 3;

    private Sparkline() {
    }

    /**
     * @param values the samples, oldest first; -1 where unknown
     * @param span   the time from the first sample to the last
     * @param what   what is drawn, e.g. "orders depth"
     */
    static String svg(List<Long> values, Duration span, String what) {
        List<Long> known = values.stream().filter(v -> v >= 0).toList();
        long max = known.stream().mapToLong(Long::longValue).max().orElse(0);
        long min = known.stream().mapToLong(Long::longValue).min().orElse(0);
        String description = describe(known, span, what, min, max);
        StringBuilder b = new StringBuilder("<span class=\"spark-cell\"><svg class=\"spark\" width=\"").append(WIDTH)
                .append("\" height=\"").append(HEIGHT).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT)
                .append("\" role=\"img\" aria-label=\"").append(Html.escape(description)).append("\"><title>")
                .append(Html.escape(description)).append("</title>")
                .append("<line class=\"spark-base\" x1=\"0\" y1=\"").append(f(BASE)).append("\" x2=\"").append(WIDTH)
                .append("\" y2=\"").append(f(BASE)).append("\"/>");
        if (!known.isEmpty()) {
            StringBuilder d = new StringBuilder();
            double step = values.size() < 2 ? 0 : (RIGHT - LEFT) / (values.size() - 1);
            boolean pen = false;
            double lastX = RIGHT;
            double lastY = BASE;
            for (int i = 0; i < values.size(); i++) {
                long v = values.get(i);
                if (v < 0) {
                    pen = false;
                    continue;
                }
                double x = values.size() < 2 ? RIGHT : LEFT + i * step;
                double y = BASE - (max <= 0 ? 0 : (double) v / max * (BASE - TOP));
                d.append(pen ? " L" : (d.length() == 0 ? "M" : " M")).append(f(x)).append(',').append(f(y));
                pen = true;
                lastX = x;
                lastY = y;
            }
            b.append("<path class=\"spark-line\" d=\"").append(d).append("\"/>")
                    .append("<circle class=\"spark-dot\" cx=\"").append(f(lastX)).append("\" cy=\"").append(f(lastY))
                    .append("\" r=\"2.5\"/>");
        }
        b.append("</svg><span class=\"spark-range\" aria-hidden=\"true\">")
                .append(known.isEmpty() ? "no samples yet" : min == max ? "flat at " + max : min + "–" + max)
                .append("</span></span>");
        return b.toString();
    }

    /** "orders depth 0 → 5 over 12 min (lowest 0, highest 7)". */
    static String describe(List<Long> known, Duration span, String what, long min, long max) {
        if (known.isEmpty()) return what + ": no samples yet";
        if (known.size() == 1) return what + " " + known.get(0) + " (one sample so far)";
        return what + " " + known.get(0) + " → " + known.get(known.size() - 1) + " over " + Pages.duration(span)
                + " (lowest " + min + ", highest " + max + ")";
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
