/**
 * Public API: the web console ({@link dev.sluice.console.SluiceConsole}, {@link dev.sluice.console.ConsoleAuth},
 * {@link dev.sluice.console.Role}, {@link dev.sluice.console.ConsoleMain}, {@link dev.sluice.console.OutcomeTotals} and
 * {@link dev.sluice.console.MicrometerTotals}, which alone needs the optional {@code sluice-micrometer}). Everything else here is internal
 * (package-private): pages, sessions, the CSRF rule, the audit log, the depth sampler, login throttling.
 */
package dev.sluice.console;
