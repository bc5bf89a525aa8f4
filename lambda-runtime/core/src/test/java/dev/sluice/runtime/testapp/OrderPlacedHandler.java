package dev.sluice.runtime.testapp;

import dev.sluice.Delivery;
import dev.sluice.EventHandler;
import dev.sluice.Publisher;
import io.cloudevents.CloudEvent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.util.Map;

/** Records the order and publishes {@code order.confirmed} through the injected publisher of queue {@code orders}. */
public final class OrderPlacedHandler implements EventHandler {
    private final Recorder recorder;
    private final Publisher publisher;

    @Inject
    OrderPlacedHandler(Recorder recorder, @Named("orders") Publisher publisher) {
        this.recorder = recorder;
        this.publisher = publisher;
    }

    @Override
    public void handle(CloudEvent event, Delivery delivery) throws Exception {
        recorder.record("order:" + event.getId());
        publisher.publish("order.confirmed", Map.of("order", event.getId())).join();
    }
}
