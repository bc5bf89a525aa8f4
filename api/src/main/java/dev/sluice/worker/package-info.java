/**
 * Public API: {@link dev.sluice.worker.Worker}, the poller engine. Its parts (receive loops, dispatcher,
 * acknowledger, the poller's settlement) are package-private.
 */
package dev.sluice.worker;
