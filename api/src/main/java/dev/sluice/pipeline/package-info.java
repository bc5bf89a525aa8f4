/**
 * Host SPI: the one path every message takes ({@link dev.sluice.pipeline.Pipeline}) and the one interface a
 * host implements to settle outcomes ({@link dev.sluice.pipeline.Settlement}). For those who write a host
 * (the poller, Lambda and Cloud Run hosts are written on it); applications never need it.
 */
package dev.sluice.pipeline;
