package dev.sluice.console;

import dev.sluice.PermanentFailureException;
import dev.sluice.QueueSpec;
import dev.sluice.core.Sluice;
import dev.sluice.testkit.Await;
import dev.sluice.micrometer.SluiceMetrics;
import dev.sluice.worker.Worker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A real worker on {@code mem://orders} that dead-letters: while {@link #paymentsDown} is set, {@code order.placed}
 * fails with a {@code PermanentFailureException} (so it goes to the DLQ at once); {@code invoice.sent} always does.
 */
final class Shop implements AutoCloseable {
    static final String PLACED = "order.placed";
    static final String INVOICE = "invoice.sent";

    /** What the worker did, as Micrometer counts it (for the console's rates). */
    final SluiceMetrics metrics = SluiceMetrics.of(new SimpleMeterRegistry());
    final Sluice sluice = Sluice.builder().listener(metrics).build();
    final QueueSpec orders = QueueSpec.builder("mem://orders").maxDeliveryAttempts(3).build();
    final AtomicBoolean paymentsDown = new AtomicBoolean(true);
    final Set<String> handled = ConcurrentHashMap.newKeySet();
    private final Worker worker;

    Shop() {
        worker = sluice.worker(orders)
                .on(PLACED, (event, delivery) -> {
                    if (paymentsDown.get()) throw new PermanentFailureException("payment service refused the card");
                    handled.add(event.getId());
                })
                .on(INVOICE, (event, delivery) -> {
                    throw new PermanentFailureException("invoice template missing");
                })
                .start();
    }

    /** Publishes {@code placed} orders and {@code invoices} invoices and waits until all are dead letters. */
    void deadLetter(int placed, int invoices) throws InterruptedException {
        long before = dlqDepth();
        for (int i = 0; i < placed; i++) {
            sluice.publisher(orders.uri()).publish(PLACED, Map.of("order", "o-" + i, "card", "4111-secret-" + i)).join();
        }
        for (int i = 0; i < invoices; i++) {
            sluice.publisher(orders.uri()).publish(INVOICE, Map.of("invoice", "i-" + i)).join();
        }
        Await.until("the dead letters", () -> dlqDepth() == before + placed + invoices);
    }

    /** With payments up for a moment, {@code placed} orders (without card data) are published and handled. */
    void handle(int placed) throws InterruptedException {
        int before = handled.size();
        paymentsDown.set(false);
        for (int i = 0; i < placed; i++) {
            sluice.publisher(orders.uri()).publish(PLACED, Map.of("order", "ok-" + i)).join();
        }
        Await.until("the orders handled", () -> handled.size() == before + placed);
        paymentsDown.set(true);
    }

    long dlqDepth() {
        return DepthSampler.count(sluice.stats(orders).deadLetterQueue());
    }

    @Override
    public void close() {
        worker.close();
        sluice.close();
    }
}
