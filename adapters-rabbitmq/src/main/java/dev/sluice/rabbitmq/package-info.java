/**
 * The {@code amqp://} driver: RabbitMQ quorum queues over the official Java client. Public API: 
 * {@link dev.sluice.rabbitmq.RabbitDriverProvider} (found by {@link java.util.ServiceLoader}; construct it only to
 * customise the connection) and {@link dev.sluice.rabbitmq.RabbitCapabilities}. Everything else is internal.
 */
package dev.sluice.rabbitmq;
