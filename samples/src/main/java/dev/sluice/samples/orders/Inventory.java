package dev.sluice.samples.orders;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Stock levels, and the keys of the reservations already applied. {@link #reserve} checks the key and
 * changes the stock in one step, as one database transaction would (insert the key into a
 * {@code processed_events} table with a unique constraint, update the stock, commit).
 */
public final class Inventory {
    private final Map<String, Integer> stock = new TreeMap<>();
    private final Set<String> applied = new HashSet<>();
    private int duplicates;

    public Inventory(Map<String, Integer> initialStock) {
        stock.putAll(initialStock);
    }

    /**
     * Takes {@code reservation}'s quantities out of stock, unless a reservation with {@code key} was
     * applied before.
     *
     * @return true when applied now, false when it had been applied already (nothing changes)
     */
    public synchronized boolean reserve(String key, Reservation reservation) {
        if (!applied.add(key)) {
            duplicates++;
            return false;
        }
        for (Order.Line line : reservation.lines()) stock.merge(line.sku(), -line.quantity(), Integer::sum);
        return true;
    }

    /** The stock of {@code sku} now. */
    public synchronized int stock(String sku) {
        return stock.getOrDefault(sku, 0);
    }

    /** All stock levels. */
    public synchronized Map<String, Integer> stock() {
        return new TreeMap<>(stock);
    }

    /** Reservations applied. */
    public synchronized int applied() {
        return applied.size();
    }

    /** Deliveries recognised as already applied and ignored. */
    public synchronized int duplicatesIgnored() {
        return duplicates;
    }
}
