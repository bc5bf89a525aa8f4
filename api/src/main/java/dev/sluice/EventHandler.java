package dev.sluice;

import io.cloudevents.CloudEvent;

/**
 * Handles one event. Returning normally acknowledges the message; throwing means "try again later" under
 * the queue's {@link RetryPolicy}; throwing {@link PermanentFailureException} dead-letters it at once.
 */
@FunctionalInterface
public interface EventHandler {
    void handle(CloudEvent event, Delivery delivery) throws Exception;
}
