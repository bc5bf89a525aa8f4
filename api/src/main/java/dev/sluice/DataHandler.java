package dev.sluice;

/**
 * Handles one event whose JSON data is bound to {@code T} with the shared {@code ObjectMapper}. Data that
 * does not bind is a permanent failure: the message goes to the dead-letter queue with the binding error.
 * The event itself is {@link Delivery#event()}.
 *
 * @param <T> the data type
 */
@FunctionalInterface
public interface DataHandler<T> {
    void handle(T data, Delivery delivery) throws Exception;
}
