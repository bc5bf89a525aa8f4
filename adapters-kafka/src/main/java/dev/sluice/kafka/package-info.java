/**
 * The {@code kafka://} driver: Kafka share groups (KIP-932) where the broker has them, consumer groups where it does
 * not. Public API: {@link dev.sluice.kafka.KafkaDriverProvider}, found by {@link java.util.ServiceLoader}; users need
 * it not by name. Everything else is internal.
 */
package dev.sluice.kafka;
