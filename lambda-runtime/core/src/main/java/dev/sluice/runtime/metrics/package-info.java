/**
 * SPI for hosts: the metrics endpoint a host serves when {@code sluice-micrometer} and Micrometer's Prometheus
 * registry are on its class path ({@code SLUICE_METRICS_*}).
 */
package dev.sluice.runtime.metrics;
