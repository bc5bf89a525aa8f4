package dev.sluice.spi;

import dev.sluice.Scheduler;
import java.util.Objects;
import java.util.function.Function;

/**
 * What a driver may use from its {@code Sluice}.
 *
 * @param scheduler time and timers; drivers that keep time (the in-memory broker) must use it
 * @param environment environment lookup ({@code System::getenv} in production), so tests can set
 *                    {@code AWS_ENDPOINT_URL_SQS} or {@code PUBSUB_EMULATOR_HOST} without touching the process
 */
public record DriverContext(Scheduler scheduler, Function<String, String> environment) {

    public DriverContext {
        Objects.requireNonNull(scheduler, "scheduler");
        Objects.requireNonNull(environment, "environment");
    }

    /** The value of an environment variable, or null. */
    public String env(String name) {
        return environment.apply(name);
    }
}
