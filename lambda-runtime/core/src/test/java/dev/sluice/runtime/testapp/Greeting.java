package dev.sluice.runtime.testapp;

/** The data of a {@code greet} event. */
public record Greeting(String name) {
}
