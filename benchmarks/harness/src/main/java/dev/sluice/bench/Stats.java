package dev.sluice.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Medians and spreads of a few rounds. */
final class Stats {
    private Stats() {
    }

    static double median(List<Double> values) {
        if (values == null || values.isEmpty()) return Double.NaN;
        List<Double> v = new ArrayList<>(values);
        v.sort(null);
        int n = v.size();
        return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
    }

    static double min(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    static double max(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    /** "1,234 (1,100-1,300)": the median and the range of the rounds. */
    static String medianAndRange(List<Double> values, String format) {
        return fmt(format, median(values)) + " (" + fmt(format, min(values)) + "–" + fmt(format, max(values)) + ")";
    }

    static String fmt(String format, double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, format, v);
    }

    static String ratio(double a, double b) {
        return Double.isNaN(a) || Double.isNaN(b) || b == 0 ? "n/a" : String.format(Locale.ROOT, "%.2f×", a / b);
    }

    static String all(List<Double> values, String format) {
        StringBuilder sb = new StringBuilder();
        for (double d : values) {
            if (sb.length() > 0) sb.append(", ");
            sb.append(fmt(format, d));
        }
        return sb.toString();
    }
}
