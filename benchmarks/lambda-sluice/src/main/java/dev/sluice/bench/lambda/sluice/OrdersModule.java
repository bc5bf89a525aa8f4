package dev.sluice.bench.lambda.sluice;

import com.google.inject.AbstractModule;
import dev.sluice.runtime.inject.SluiceHandlers;

/** The application's Guice module, named by {@code SLUICE_MODULES}. */
public final class OrdersModule extends AbstractModule {
    @Override
    protected void configure() {
        SluiceHandlers.bind(binder()).on("order.placed", Order.class).to(OrderPlacedHandler.class);
    }
}
