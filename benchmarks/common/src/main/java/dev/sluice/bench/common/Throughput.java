package dev.sluice.bench.common;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The arguments, the measured runs and the Markdown table of a broker throughput benchmark (the Sluice worker
 * against a hand-written consumer), shared by {@code benchmarks/rabbitmq} and {@code benchmarks/redis}.
 */
public final class Throughput {
    private Throughput() {
    }

    /**
     * {@code --events=N} (20000), {@code --rounds=N} (5), {@code --handlers=0,5} (ms), {@code --out=FILE}
     * ({@code defaultOut}); anything else is an error.
     */
    public record Options(int events, int rounds, int[] handlers, Path out) {
        public static Options parse(String[] args, Path defaultOut) {
            int events = 20_000;
            int rounds = 5;
            int[] handlers = {0, 5};
            Path out = defaultOut;
            for (String a : args) {
                if (a.startsWith("--events=")) events = Integer.parseInt(a.substring(9));
                else if (a.startsWith("--rounds=")) rounds = Integer.parseInt(a.substring(9));
                else if (a.startsWith("--handlers=")) handlers = Arrays.stream(a.substring(11).split(",")).mapToInt(Integer::parseInt).toArray();
                else if (a.startsWith("--out=")) out = Path.of(a.substring(6));
                else throw new IllegalArgumentException("unknown argument " + a);
            }
            return new Options(events, rounds, handlers, out);
        }
    }

    /** One timed run of one contender; {@code round} below 1 is a warm-up, left out of the table. */
    public record Run(String contender, int handlerMillis, int round, double rate, double brokerCpuMicros) {
    }

    /**
     * The table: per handler time, per contender (in the order given; the first is Sluice, the second the
     * hand-written consumer), the median rate with its range, the median broker CPU per message ("n/a" unless
     * {@code brokerCpu}) and, on the first contender's row, its ratio to the second.
     */
    public static String table(List<Run> runs, List<String> contenders, int[] handlers, String broker, String plain,
                               boolean brokerCpu) {
        StringBuilder s = new StringBuilder();
        s.append("| handler | contender | msg/s, median (range) | " + broker + " CPU per message, median | Sluice / " + plain + " |\n");
        s.append("|---|---|---|---|---|\n");
        for (int h : handlers) {
            Map<String, List<Run>> by = new LinkedHashMap<>();
            for (String c : contenders) by.put(c, new ArrayList<>());
            for (Run r : runs) if (r.handlerMillis() == h && r.round() > 0) by.get(r.contender()).add(r);
            double sluice = median(by.get(contenders.get(0)).stream().map(Run::rate).toList());
            double other = median(by.get(contenders.get(1)).stream().map(Run::rate).toList());
            for (var e : by.entrySet()) {
                List<Double> rates = e.getValue().stream().map(Run::rate).toList();
                List<Double> cpu = e.getValue().stream().map(Run::brokerCpuMicros).toList();
                s.append(String.format(Locale.ROOT, "| %d ms | %s | %,.0f (%,.0f–%,.0f) | %s | %s |%n", h, e.getKey(),
                        median(rates), rates.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN),
                        rates.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN),
                        brokerCpu ? String.format(Locale.ROOT, "%.0f µs", median(cpu)) : "n/a",
                        e.getKey().equals(contenders.get(0)) ? String.format(Locale.ROOT, "%.2f×", sluice / other) : ""));
            }
        }
        return s.toString();
    }

    public static double median(List<Double> values) {
        if (values.isEmpty()) return Double.NaN;
        List<Double> v = new ArrayList<>(values);
        v.sort(null);
        int n = v.size();
        return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
    }
}
