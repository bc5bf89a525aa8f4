package dev.sluice.bench.lambda.sluice;

import dev.sluice.DataHandler;
import dev.sluice.Delivery;
import dev.sluice.PermanentFailureException;
import java.util.concurrent.atomic.LongAdder;

/** The work of every benchmark function: check the order, count it. */
public final class OrderPlacedHandler implements DataHandler<Order> {
    static final LongAdder HANDLED = new LongAdder();

    @Override
    public void handle(Order order, Delivery delivery) {
        if (order.orderId() == null || order.amount() <= 0 || order.items() <= 0) {
            throw new PermanentFailureException("invalid order " + order);
        }
        HANDLED.increment();
    }
}
