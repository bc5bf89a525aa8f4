package dev.sluice.runtime.testapp;

import com.google.inject.AbstractModule;
import dev.sluice.runtime.inject.SluiceHandlers;

/** A small application: what SLUICE_MODULES names in the runtime's tests. */
public final class TestAppModule extends AbstractModule {
    @Override
    protected void configure() {
        SluiceHandlers handlers = SluiceHandlers.bind(binder());
        handlers.on("greet", Greeting.class).to(GreetHandler.class);
        handlers.on("order.placed").to(OrderPlacedHandler.class);
        handlers.on("order.confirmed").toInstance((event, delivery) -> { });
    }
}
