package dev.sluice.runtime.config;

/**
 * A raw configuration value and where it came from, so that an error can name the exact variable,
 * property or file line to change.
 *
 * @param value  the value, trimmed
 * @param origin e.g. {@code SLUICE_QUEUE_ORDERS_URI}, {@code system property sluice.queue.orders.uri},
 *               {@code sluice.queue.orders.uri in /etc/sluice.properties}
 */
record Setting(String value, String origin) {
}
