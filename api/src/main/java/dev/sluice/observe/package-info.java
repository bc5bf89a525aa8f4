/**
 * Public API and SPI for instrumentation: what Sluice reports about its own work, as typed, immutable
 * {@link dev.sluice.observe.SluiceEvent}s delivered to the {@link dev.sluice.observe.SluiceListener}s
 * registered on {@code Sluice.builder().listener(...)}. Metrics (sluice-micrometer), traces
 * (sluice-opentelemetry) and logs are listeners; none of them wraps an engine part.
 *
 * <p>Each event is emitted from the one place where its thing happens, so every host (poller, Lambda,
 * Cloud Run) reports the same: the pipeline for handling and settlement, the lease keeper for extensions,
 * the worker for receive and ack failures, the publisher for publishes and send failures. Also here: the one naming
 * of queues for instrumentation ({@link dev.sluice.observe.MessagingNames}) and structured JSON logs
 * ({@link dev.sluice.observe.JsonLogListener}). Layered just above the contract ({@code dev.sluice}): it uses the
 * contract and nothing else of Sluice.
 */
package dev.sluice.observe;
