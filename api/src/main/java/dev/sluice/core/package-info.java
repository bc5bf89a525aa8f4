/**
 * Public API, the entry point: {@link dev.sluice.core.Sluice} finds drivers by URI scheme and opens
 * publishers, workers and dead-letter views on queues; {@link dev.sluice.core.DeadLetters} lists, peeks and
 * redrives. The top of the package graph: it assembles the engine packages and nothing depends on it.
 */
package dev.sluice.core;
