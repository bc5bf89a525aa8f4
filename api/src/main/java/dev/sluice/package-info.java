/**
 * Public API: {@link dev.sluice.Sluice} (the entry point), {@link dev.sluice.Publisher},
 * {@link dev.sluice.QueueSpec}, {@link dev.sluice.RetryPolicy}, handlers, {@link dev.sluice.Delivery},
 * {@link dev.sluice.Outcome}, {@link dev.sluice.DeadLetters} and the errors. Stable across minor releases.
 */
package dev.sluice;
