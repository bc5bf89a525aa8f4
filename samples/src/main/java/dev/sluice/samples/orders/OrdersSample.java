package dev.sluice.samples.orders;

import dev.sluice.Interceptor;
import dev.sluice.OutgoingEvent;
import dev.sluice.Publisher;
import dev.sluice.QueueSpec;
import dev.sluice.RetryPolicy;
import dev.sluice.core.Sluice;
import dev.sluice.samples.Progress;
import dev.sluice.samples.SampleQueues;
import dev.sluice.worker.Worker;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Sample 2, order fan-out: {@code order.placed} fans out to three follow-up events, each with its own
 * handler: the confirmation e-mail, the confirmation SMS, and the inventory reservation. One worker on one
 * queue routes all four types. The inventory handler is idempotent; the sample makes one order's event be
 * delivered twice ({@link CrashBeforeAck}) and shows its stock taken once.
 *
 * <p>Run it: {@code mvn -q -pl samples exec:java -Dexec.mainClass=dev.sluice.samples.orders.OrdersSample}.
 * On SQS or Pub/Sub: set {@code SLUICE_QUEUE_ORDERS_URI}.
 */
public final class OrdersSample implements AutoCloseable {
    public static final String QUEUE = "orders";
    public static final String PLACED = "order.placed";
    public static final String EMAIL = "order.confirmation-email";
    public static final String SMS = "order.confirmation-sms";
    public static final String RESERVE = "inventory.reserve";
    /** The SKUs the sample's shop sells, with 1,000 of each in stock. */
    public static final List<String> SKUS = List.of("KETTLE", "MUG", "TEAPOT", "STRAINER", "TEA-1KG");

    private final Sluice sluice;
    private final QueueSpec spec;
    private final Worker worker;

    /** Starts one worker for the four handlers; {@code interceptors} are added in order, the first outermost. */
    public OrdersSample(Sluice sluice, QueueSpec spec, Notifier notifier, Inventory inventory, Interceptor... interceptors) {
        this.sluice = sluice;
        this.spec = spec;
        Worker.Builder builder = sluice.worker(spec)
                .on(PLACED, Order.class, new OrderPlacedHandler(sluice.events()))
                .on(EMAIL, Order.class, (order, delivery) ->
                        notifier.send("email", order.email(), "Order " + order.orderId() + " confirmed"))
                .on(SMS, Order.class, (order, delivery) ->
                        notifier.send("sms", order.phone(), "Order " + order.orderId() + " confirmed"))
                .on(RESERVE, Reservation.class, new InventoryHandler(inventory));
        for (Interceptor i : interceptors) builder.interceptor(i);
        this.worker = builder.start();
    }

    /** The sample's queue: 5 attempts, backoff from 1 s, 8 handlers at once. */
    public static QueueSpec spec() {
        return QueueSpec.builder("mem://" + QUEUE)
                .maxDeliveryAttempts(5)
                .retryPolicy(RetryPolicy.exponential(Duration.ofSeconds(1)).jitter(0).build())
                .concurrency(8)
                .build();
    }

    public static QueueSpec spec(SampleQueues config) {
        return config.spec(QUEUE, spec());
    }

    /** 1,000 of each SKU. */
    public static Map<String, Integer> initialStock() {
        Map<String, Integer> stock = new LinkedHashMap<>();
        SKUS.forEach(s -> stock.put(s, 1000));
        return stock;
    }

    /** {@code count} orders of one to three lines of one to three items each, drawn from {@code random}. */
    public static List<Order> orders(int count, Random random) {
        List<Order> orders = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            int lines = 1 + random.nextInt(3);
            List<Order.Line> l = new ArrayList<>();
            for (int j = 0; j < lines; j++) l.add(new Order.Line(SKUS.get(random.nextInt(SKUS.size())), 1 + random.nextInt(3)));
            orders.add(new Order(orderId(i), "customer" + i + "@example.com", "+44 7700 900" + String.format("%03d", i), l));
        }
        return orders;
    }

    /** {@code 3} → {@code order-0003}. */
    public static String orderId(int n) {
        return String.format("order-%04d", n);
    }

    /** Publishes one {@code order.placed} per order, with the order id as the event's subject; returns them by event id. */
    public Map<String, Order> publish(List<Order> orders) {
        Publisher publisher = sluice.publisher(spec.uri());
        Map<String, Order> byId = new LinkedHashMap<>();
        List<OutgoingEvent> events = new ArrayList<>();
        for (Order o : orders) {
            CloudEvent e = CloudEventBuilder.v1(publisher.event(PLACED, o)).withSubject(o.orderId()).build();
            byId.put(e.getId(), o);
            events.add(OutgoingEvent.of(e));
        }
        publisher.publishAll(events).join();
        return byId;
    }

    public QueueSpec queueSpec() {
        return spec;
    }

    @Override
    public void close() {
        worker.close();
    }

    /** Places 20 orders; order 3's event is delivered twice; prints what each handler did. */
    public static void main(String[] args) throws Exception {
        QueueSpec spec = spec(SampleQueues.fromSystem());
        Notifier notifier = new Notifier();
        Inventory inventory = new Inventory(initialStock());
        Progress progress = new Progress();
        CrashBeforeAck crash = new CrashBeforeAck(
                e -> e.getType().equals(PLACED) && orderId(3).equals(e.getSubject()), Duration.ofSeconds(1));
        try (Sluice sluice = progress.countPublishes(Sluice.builder()).build();
             OrdersSample sample = new OrdersSample(sluice, spec, notifier, inventory, progress, crash)) {
            System.out.println("Placing 20 orders on " + spec.uri() + "; the worker 'crashes' before acking " + orderId(3));
            sample.publish(orders(20, new Random(7)));
            progress.awaitIdle(Duration.ofMinutes(1));
            System.out.println(progress.line());
            System.out.println("e-mails " + notifier.count("email") + ", SMS " + notifier.count("sms")
                    + " (order 3's twice: those handlers are not idempotent)");
            System.out.println("reservations applied " + inventory.applied() + ", redelivered and ignored "
                    + inventory.duplicatesIgnored());
            System.out.println("stock now " + inventory.stock());
        }
    }
}
