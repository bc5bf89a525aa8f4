package dev.sluice.runtime.testapp;

import dev.sluice.DataHandler;
import dev.sluice.Delivery;
import dev.sluice.PermanentFailureException;
import jakarta.inject.Inject;

/** Greets; {@code fail} fails (retry), {@code poison} fails for good (dead letter), {@code slow} takes a while. */
public final class GreetHandler implements DataHandler<Greeting> {
    private final Recorder recorder;

    @Inject
    GreetHandler(Recorder recorder) {
        this.recorder = recorder;
    }

    @Override
    public void handle(Greeting greeting, Delivery delivery) {
        switch (greeting.name()) {
            case "fail" -> throw new IllegalStateException("greeting failed on purpose");
            case "poison" -> throw new PermanentFailureException("poison greeting");
            case "slow" -> {
                try {
                    Thread.sleep(400);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
                recorder.record("greet:slow");
            }
            default -> recorder.record("greet:" + greeting.name());
        }
    }
}
