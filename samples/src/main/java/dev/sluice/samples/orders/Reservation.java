package dev.sluice.samples.orders;

import java.util.List;

/**
 * The data of {@code inventory.reserve}: the stock an order takes.
 *
 * @param orderId the order
 * @param lines   what to reserve
 */
public record Reservation(String orderId, List<Order.Line> lines) {

    public Reservation {
        lines = List.copyOf(lines);
    }
}
