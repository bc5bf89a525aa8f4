package dev.sluice.runtime.testapp;

import jakarta.inject.Singleton;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** What the test application's handlers saw, for in-process tests. */
@Singleton
public final class Recorder {
    private final List<String> handled = new CopyOnWriteArrayList<>();

    public void record(String what) {
        handled.add(what);
    }

    public List<String> handled() {
        return List.copyOf(handled);
    }
}
