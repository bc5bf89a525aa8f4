package dev.sluice.runtime.inject;

import com.google.inject.Module;
import dev.sluice.ConfigurationException;
import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.List;

/** Instantiates the application's modules named in {@code SLUICE_MODULES}; every failure is reported at once. */
final class ModuleLoader {
    private ModuleLoader() {
    }

    static List<Module> load(List<String> names, ClassLoader loader) {
        List<Module> modules = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (String name : names) {
            Class<?> type;
            try {
                type = Class.forName(name, true, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                problems.add("SLUICE_MODULES names " + name + ", which is not on the class path (" + e
                        + "); check the spelling, and that the application's classes are in the deployment jar");
                continue;
            }
            if (!Module.class.isAssignableFrom(type)) {
                problems.add("SLUICE_MODULES names " + name + ", which is not a com.google.inject.Module;"
                        + " name a class that extends com.google.inject.AbstractModule");
                continue;
            }
            try {
                modules.add((Module) type.getDeclaredConstructor().newInstance());
            } catch (NoSuchMethodException | IllegalAccessException e) {
                problems.add("SLUICE_MODULES names " + name + ", which has no public no-argument constructor; add one");
            } catch (InstantiationException | InvocationTargetException e) {
                Throwable cause = e instanceof InvocationTargetException ite ? ite.getCause() : e;
                problems.add("SLUICE_MODULES names " + name + ", whose constructor failed: " + cause);
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException("the application's modules cannot be loaded:\n  - "
                    + String.join("\n  - ", problems));
        }
        return modules;
    }
}
