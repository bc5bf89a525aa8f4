package dev.sluice.samples.orders;

import java.util.List;

/**
 * The data of {@code order.placed}.
 *
 * @param orderId  the shop's order number
 * @param email    where the confirmation e-mail goes
 * @param phone    where the confirmation SMS goes
 * @param lines    what was ordered
 */
public record Order(String orderId, String email, String phone, List<Line> lines) {

    public Order {
        lines = List.copyOf(lines);
    }

    /** One line of an order: {@code quantity} of {@code sku}. */
    public record Line(String sku, int quantity) {
    }
}
