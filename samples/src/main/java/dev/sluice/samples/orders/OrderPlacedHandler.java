package dev.sluice.samples.orders;

import dev.sluice.DataHandler;
import dev.sluice.Delivery;
import dev.sluice.Events;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;

/**
 * Handles {@code order.placed} by fanning out: one follow-up event each for the confirmation e-mail, the
 * confirmation SMS and the inventory. The follow-ups are published before the order event is acked, so a
 * crash in between repeats the fan-out but never loses it.
 *
 * <p>Each follow-up's id is derived from the order event's id ({@code <id>/inventory}, ...), not fresh:
 * when the order event is delivered again, the same follow-ups are emitted again, with the same ids, and an
 * idempotent handler downstream ({@link InventoryHandler}) recognises them. With fresh ids
 * ({@code delivery.emit(type, data)}) a redelivery would look like a new order to the inventory.
 */
public final class OrderPlacedHandler implements DataHandler<Order> {
    private final Events events;

    /** @param events makes the follow-up events ({@code sluice.events()}) */
    public OrderPlacedHandler(Events events) {
        this.events = events;
    }

    @Override
    public void handle(Order order, Delivery delivery) {
        CloudEvent placed = delivery.event();
        delivery.emit(followUp(placed, "email", OrdersSample.EMAIL, order));
        delivery.emit(followUp(placed, "sms", OrdersSample.SMS, order));
        delivery.emit(followUp(placed, "inventory", OrdersSample.RESERVE, new Reservation(order.orderId(), order.lines())));
    }

    /** A follow-up of {@code type} whose id is the parent's id plus {@code /suffix}. */
    private CloudEvent followUp(CloudEvent parent, String suffix, String type, Object data) {
        return CloudEventBuilder.v1(events.create(type, data))
                .withId(parent.getId() + "/" + suffix)
                .withSubject(parent.getSubject())
                .build();
    }
}
