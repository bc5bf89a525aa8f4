package dev.sluice.opentelemetry;

import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;

/**
 * The one reading of an AWS X-Ray trace header ({@code Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1},
 * the value of SQS's {@code AWSTraceHeader} system attribute) as an OpenTelemetry span context: the root's two hex
 * parts after the version {@code 1} are the 32-hex-digit trace id, {@code Parent} the span id, {@code Sampled=1} the
 * sampled flag. Fields are {@code key=value} pairs separated by {@code ;}, in any order; others (e.g.
 * {@code Lineage}) are ignored. A header without a well-formed {@code Root} and {@code Parent} gives no context: a
 * span needs a parent span id, and a malformed header (anyone can invoke a Lambda function with any event) must
 * not break handling.
 */
final class XRayTraceHeader {
    private XRayTraceHeader() {
    }

    /** The remote span context {@code header} names, or {@link SpanContext#getInvalid()}. */
    static SpanContext parse(String header) {
        if (header == null || header.length() > 256) return SpanContext.getInvalid();
        String root = null;
        String parent = null;
        boolean sampled = false;
        for (String part : header.split(";")) {
            int eq = part.indexOf('=');
            if (eq < 0) continue;
            String key = part.substring(0, eq).trim();
            String value = part.substring(eq + 1).trim();
            switch (key) {
                case "Root" -> root = value;
                case "Parent" -> parent = value;
                case "Sampled" -> sampled = value.equals("1");
                default -> { }
            }
        }
        String traceId = traceId(root);
        if (traceId == null || parent == null || parent.length() != 16 || !hex(parent)) return SpanContext.getInvalid();
        SpanContext context = SpanContext.createFromRemoteParent(traceId, parent,
                sampled ? TraceFlags.getSampled() : TraceFlags.getDefault(), TraceState.getDefault());
        return context.isValid() ? context : SpanContext.getInvalid();
    }

    /** {@code 1-5759e988-bd862e3fe1be46a994272793} → {@code 5759e988bd862e3fe1be46a994272793}, or null. */
    private static String traceId(String root) {
        if (root == null || root.length() != 35 || !root.startsWith("1-") || root.charAt(10) != '-') return null;
        String id = root.substring(2, 10) + root.substring(11);
        return hex(id) ? id : null;
    }

    private static boolean hex(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) return false;
        }
        return true;
    }
}
