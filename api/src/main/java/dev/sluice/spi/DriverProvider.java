package dev.sluice.spi;

import java.net.URI;

/**
 * Opens drivers for one URI scheme. Found through {@link java.util.ServiceLoader}: list the class in
 * {@code META-INF/services/dev.sluice.spi.DriverProvider}. One provider instance lives per
 * {@code Sluice}, so a provider may keep state (the in-memory broker does).
 */
public interface DriverProvider {

    /** The URI scheme this provider serves, e.g. {@code "sqs"}. */
    String scheme();

    /**
     * Opens a driver for {@code uri}. Fails with a {@link dev.sluice.ConfigurationException} naming the
     * part of the URI that is wrong.
     */
    QueueDriver open(URI uri, DriverContext context);
}
