package dev.sluice.samples.demo;

import dev.sluice.samples.Progress;
import dev.sluice.samples.Progress.HandlerStats;
import java.util.List;

/** The demo's closing table: per handler, calls, successes, retries, dead letters, p50 and p99 handling time. */
final class SummaryTable {
    private SummaryTable() {
    }

    static String render(List<HandlerStats> rows) {
        int w = Math.max("handler (event type)".length(), rows.stream().mapToInt(r -> r.type().length()).max().orElse(0));
        String format = "%-" + w + "s  %7s  %9s  %7s  %5s  %9s  %9s%n";
        StringBuilder s = new StringBuilder();
        s.append(String.format(format, "handler (event type)", "calls", "succeeded", "retries", "DLQ", "p50", "p99"));
        s.append("-".repeat(w + 57)).append('\n');
        int calls = 0;
        int ok = 0;
        int retries = 0;
        int dlq = 0;
        for (HandlerStats r : rows) {
            s.append(String.format(format, r.type(), String.format("%,d", r.calls()), String.format("%,d", r.succeeded()),
                    r.retries(), r.deadLettered(), Progress.millis(r.p50()), Progress.millis(r.p99())));
            calls += r.calls();
            ok += r.succeeded();
            retries += r.retries();
            dlq += r.deadLettered();
        }
        s.append("-".repeat(w + 57)).append('\n');
        s.append(String.format(format, "total", String.format("%,d", calls), String.format("%,d", ok), retries, dlq, "", ""));
        return s.toString();
    }
}
