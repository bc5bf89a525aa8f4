/**
 * Public API: Sluice's metrics on Micrometer. {@link dev.sluice.micrometer.SluiceMetrics} is a
 * {@link dev.sluice.observe.SluiceListener} that turns Sluice's events into meters named and tagged after the
 * OpenTelemetry messaging semantic conventions where one exists ({@code messaging.*}), and Sluice's own
 * ({@code sluice.*}) elsewhere; every tag is bounded (no message or event ids).
 */
package dev.sluice.micrometer;
