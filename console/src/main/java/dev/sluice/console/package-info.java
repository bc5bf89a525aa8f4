/**
 * Public API: the web console ({@link dev.sluice.console.SluiceConsole}, {@link dev.sluice.console.ConsoleAuth},
 * {@link dev.sluice.console.Role}, {@link dev.sluice.console.ConsoleMain}). Everything else here is internal
 * (package-private): pages, sessions, the CSRF rule, the audit log, the depth sampler.
 */
package dev.sluice.console;
