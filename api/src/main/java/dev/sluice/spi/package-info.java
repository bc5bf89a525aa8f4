/**
 * The driver SPI: what a broker implements ({@link dev.sluice.spi.QueueDriver}), how it is found
 * ({@link dev.sluice.spi.DriverProvider}, by URI scheme through {@link java.util.ServiceLoader}), and what it
 * declares ({@link dev.sluice.spi.Capabilities}). Users do not need this package.
 */
package dev.sluice.spi;
