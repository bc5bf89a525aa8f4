package dev.sluice.samples.demo;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;

/** Keeps the ended spans in memory and prints one trace as an indented tree. */
final class SpanTree implements SpanExporter {
    private static final AttributeKey<String> EVENT_TYPE = AttributeKey.stringKey("cloudevents.event_type");
    private static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("sluice.attempt");
    private static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("sluice.outcome");

    private final Collection<SpanData> ended = new ConcurrentLinkedQueue<>();

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
        ended.addAll(spans);
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess();
    }

    /** The trace of the first event of {@code eventType} created outside any trace (a job's start), if one ended. */
    Optional<String> firstTraceStartedBy(String eventType) {
        return ended.stream().filter(s -> !s.getParentSpanContext().isValid())
                .filter(s -> eventType.equals(s.getAttributes().get(EVENT_TYPE)))
                .min(Comparator.comparingLong(SpanData::getStartEpochNanos)).map(SpanData::getTraceId);
    }

    /** The spans of {@code traceId} as a tree, children in start order, one line per span with its duration. */
    String render(String traceId) {
        List<SpanData> trace = ended.stream().filter(s -> s.getTraceId().equals(traceId))
                .sorted(Comparator.comparingLong(SpanData::getStartEpochNanos)).toList();
        List<String[]> lines = new ArrayList<>();
        trace.stream().filter(s -> trace.stream().noneMatch(p -> p.getSpanId().equals(s.getParentSpanId())))
                .forEach(root -> render(root, trace, "", "", lines));
        int width = lines.stream().mapToInt(l -> l[0].length()).max().orElse(0);
        StringBuilder out = new StringBuilder();
        for (String[] l : lines) out.append(String.format("%-" + width + "s  %8s%n", l[0], l[1]));
        return out.toString();
    }

    private static void render(SpanData span, List<SpanData> trace, String lead, String childLead, List<String[]> lines) {
        List<String> about = new ArrayList<>();
        about.add(span.getKind().name().toLowerCase(java.util.Locale.ROOT));
        Optional.ofNullable(span.getAttributes().get(EVENT_TYPE)).ifPresent(about::add);
        Optional.ofNullable(span.getAttributes().get(ATTEMPT)).ifPresent(a -> about.add("attempt " + a));
        Optional.ofNullable(span.getAttributes().get(OUTCOME)).ifPresent(about::add);
        lines.add(new String[] {lead + span.getName() + "  (" + String.join(", ", about) + ")",
            Observed.duration((span.getEndEpochNanos() - span.getStartEpochNanos()) / 1e6)});
        List<SpanData> children = trace.stream().filter(s -> s.getParentSpanId().equals(span.getSpanId())).toList();
        for (int i = 0; i < children.size(); i++) {
            boolean last = i == children.size() - 1;
            render(children.get(i), trace, childLead + (last ? "`- " : "|- "), childLead + (last ? "   " : "|  "), lines);
        }
    }
}
