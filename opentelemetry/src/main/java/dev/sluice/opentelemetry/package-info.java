/**
 * Public API: Sluice's traces on the OpenTelemetry API ({@link dev.sluice.opentelemetry.SluiceTracing}). A
 * producer ({@code create}) span per event sent, its context carried in the CloudEvents distributed tracing
 * extension ({@code traceparent}, {@code tracestate}); a consumer ({@code process}) span per handling, parented
 * on the event's context and linked to it, current while the handler runs, so follow-ups continue the trace.
 * The SDK (exporters, sampling) is the application's.
 */
package dev.sluice.opentelemetry;
