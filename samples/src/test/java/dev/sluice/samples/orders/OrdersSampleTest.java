package dev.sluice.samples.orders;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Publisher;
import dev.sluice.core.Sluice;
import dev.sluice.samples.VirtualTime;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class OrdersSampleTest {

    @Test
    void orderFansOutAndARedeliveredOrderTakesItsStockOnce() throws Exception {
        List<Order> orders = OrdersSample.orders(30, new Random(7));
        Map<String, Integer> expectedStock = OrdersSample.initialStock();
        orders.forEach(o -> o.lines().forEach(l -> expectedStock.merge(l.sku(), -l.quantity(), Integer::sum)));
        String crashed = OrdersSample.orderId(3);

        VirtualTime time = new VirtualTime();
        Notifier notifier = new Notifier();
        Inventory inventory = new Inventory(OrdersSample.initialStock());
        CrashBeforeAck crash = new CrashBeforeAck(
                e -> e.getType().equals(OrdersSample.PLACED) && crashed.equals(e.getSubject()), Duration.ofSeconds(1));
        try (Sluice sluice = time.sluice();
             OrdersSample sample = new OrdersSample(sluice, OrdersSample.spec(), notifier, inventory, time.progress, crash)) {
            sample.publish(orders);
            time.runUntilIdle();
        }

        assertThat(time.progress.handler(OrdersSample.PLACED).succeeded()).isEqualTo(30);
        assertThat(time.progress.handler(OrdersSample.PLACED).retries()).isEqualTo(1);
        // order 3's follow-ups were emitted twice, with the same ids: each handler saw 31 events
        assertThat(time.progress.handler(OrdersSample.RESERVE).calls()).isEqualTo(31);
        assertThat(notifier.count("email")).isEqualTo(31);
        assertThat(notifier.count("sms")).isEqualTo(31);
        // ... and the idempotent inventory applied 30
        assertThat(inventory.applied()).isEqualTo(30);
        assertThat(inventory.duplicatesIgnored()).isEqualTo(1);
        assertThat(inventory.stock()).isEqualTo(expectedStock);
        assertThat(time.progress.deadLettered()).isZero();
    }

    @Test
    void sameReservationPublishedTwiceIsAppliedOnce() throws Exception {
        VirtualTime time = new VirtualTime();
        Inventory inventory = new Inventory(Map.of("MUG", 10));
        try (Sluice sluice = time.sluice();
             OrdersSample sample = new OrdersSample(sluice, OrdersSample.spec(), new Notifier(), inventory, time.progress)) {
            Publisher publisher = sluice.publisher(sample.queueSpec().uri());
            CloudEvent reserve = CloudEventBuilder.v1(publisher.event(OrdersSample.RESERVE,
                    new Reservation("order-9", List.of(new Order.Line("MUG", 3))))).withId("reserve-order-9").build();
            publisher.publish(reserve).join();
            publisher.publish(reserve).join(); // a producer that retried its publish
            time.runUntilIdle();
        }

        assertThat(time.progress.handler(OrdersSample.RESERVE).succeeded()).isEqualTo(2);
        assertThat(inventory.stock("MUG")).isEqualTo(7);
        assertThat(inventory.duplicatesIgnored()).isEqualTo(1);
    }
}
