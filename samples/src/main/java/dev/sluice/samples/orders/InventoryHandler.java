package dev.sluice.samples.orders;

import dev.sluice.DataHandler;
import dev.sluice.Delivery;
import io.cloudevents.CloudEvent;

/**
 * Handles {@code inventory.reserve}, idempotently. Delivery is at-least-once on every broker, so the same
 * event can arrive twice (a worker died before its ack, a lease ran out, a producer published twice). A
 * CloudEvent is identified by its {@code source} and {@code id} together; this handler applies each
 * (source, id) once and acks repeats without touching the stock.
 */
public final class InventoryHandler implements DataHandler<Reservation> {
    private final Inventory inventory;

    public InventoryHandler(Inventory inventory) {
        this.inventory = inventory;
    }

    @Override
    public void handle(Reservation reservation, Delivery delivery) {
        CloudEvent event = delivery.event();
        inventory.reserve(event.getSource() + " " + event.getId(), reservation);
    }
}
