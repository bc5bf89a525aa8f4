package dev.sluice.bench.common;

import dev.sluice.PublishOptions;
import dev.sluice.codec.CloudEventCodec;
import dev.sluice.spi.OutboundMessage;
import dev.sluice.spi.QueueDriver;
import dev.sluice.spi.SendResult;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** The broker benchmarks' event: a small JSON order, sent as a binary-mode CloudEvent. */
public final class Orders {
    public static final String TYPE = "order.placed";

    private Orders() {
    }

    public static CloudEvent order(int i) {
        String data = "{\"orderId\":\"o-" + i + "\",\"customer\":\"c-" + (i % 97) + "\",\"amount\":" + (10 + i % 90) + ".5,\"items\":"
                + (1 + i % 5) + "}";
        return CloudEventBuilder.v1().withId("evt-" + i).withSource(URI.create("/bench/shop")).withType(TYPE)
                .withTime(OffsetDateTime.of(2026, 11, 28, 8, 0, 0, 0, ZoneOffset.UTC)).withDataContentType("application/json")
                .withData(data.getBytes(StandardCharsets.UTF_8)).build();
    }

    /** Sends orders 0 to {@code n - 1} through {@code driver}, 100 per call; fails on the first one not sent. */
    public static void send(QueueDriver driver, int n) {
        CloudEventCodec codec = new CloudEventCodec(driver.capabilities());
        for (int from = 0; from < n; from += 100) {
            List<OutboundMessage> batch = new ArrayList<>(100);
            for (int i = from; i < Math.min(n, from + 100); i++) batch.add(codec.encode(order(i), PublishOptions.NONE));
            for (SendResult r : driver.send(batch)) {
                if (!r.succeeded()) throw new IllegalStateException("seeding failed: " + r);
            }
        }
    }
}
