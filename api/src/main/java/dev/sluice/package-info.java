/**
 * Public API, the contract: what a handler sees and returns ({@link dev.sluice.EventHandler},
 * {@link dev.sluice.Delivery}, {@link dev.sluice.Outcome}, {@link dev.sluice.Interceptor}), how a queue is
 * described ({@link dev.sluice.QueueSpec}, {@link dev.sluice.RetryPolicy}), what a producer calls
 * ({@link dev.sluice.Publisher}), dead letters and the errors. It depends on no other Sluice package; the
 * engine in {@link dev.sluice.core} (the entry point {@code Sluice}) and the packages below it build on it.
 * Stable across minor releases.
 */
package dev.sluice;
