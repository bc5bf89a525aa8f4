package dev.sluice.runtime.poller;

import com.google.inject.AbstractModule;
import dev.sluice.PermanentFailureException;
import dev.sluice.runtime.inject.SluiceHandlers;

/** The observed run's application: {@code ok} succeeds, {@code flaky} fails its first attempt, {@code doomed} fails for good. */
public final class ObservedAppModule extends AbstractModule {
    @Override
    protected void configure() {
        SluiceHandlers handlers = SluiceHandlers.bind(binder());
        handlers.on("ok").toInstance((event, delivery) -> { });
        handlers.on("flaky").toInstance((event, delivery) -> {
            if (delivery.attempt().orElse(1) == 1) throw new IllegalStateException("first attempts fail");
        });
        handlers.on("doomed").toInstance((event, delivery) -> {
            throw new PermanentFailureException("never");
        });
    }
}
