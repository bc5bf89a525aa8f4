package dev.sluice.bench;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** The one event shape every benchmark sends: a binary-mode CloudEvent with a small JSON order. */
public final class BenchEvents {
    public static final String TYPE = "order.placed";
    private static final URI SOURCE = URI.create("/bench/shop");
    private static final OffsetDateTime TIME = OffsetDateTime.of(2026, 11, 28, 8, 0, 0, 0, ZoneOffset.UTC);

    private BenchEvents() {
    }

    public static String data(int i) {
        return "{\"orderId\":\"o-" + i + "\",\"customer\":\"c-" + (i % 97) + "\",\"amount\":" + (10 + i % 90) + ".5,\"items\":"
                + (1 + i % 5) + "}";
    }

    public static CloudEvent order(int i) {
        return CloudEventBuilder.v1()
                .withId("evt-" + i)
                .withSource(SOURCE)
                .withType(TYPE)
                .withTime(TIME)
                .withDataContentType("application/json")
                .withData(data(i).getBytes(StandardCharsets.UTF_8))
                .build();
    }
}
