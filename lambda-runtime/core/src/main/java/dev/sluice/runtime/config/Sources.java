package dev.sluice.runtime.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Merges the three sources into one map keyed by environment variable name, the highest-precedence value
 * winning: environment, then system properties, then the properties file. Property names are translated
 * to variable names; each value remembers where it came from. Logical queue names written with hyphens
 * in properties are remembered too, since a variable name cannot hold them.
 */
final class Sources {
    final Map<String, Setting> settings = new TreeMap<>();
    final Map<String, String> queueNames = new HashMap<>();
    final List<String> problems;
    final List<String> warnings = new java.util.ArrayList<>();

    private Sources(List<String> problems) {
        this.problems = problems;
    }

    static Sources read(Map<String, String> env, Properties system, List<String> problems) {
        Sources s = new Sources(problems);
        String file = firstNonBlank(env.get(Keys.Global.CONFIG_FILE.env),
                system.getProperty(Keys.Global.CONFIG_FILE.property));
        if (file != null) s.addProperties(load(file, problems), " in " + file);
        s.addProperties(system, null);
        env.forEach((k, v) -> {
            if (k.startsWith("SLUICE_") || k.equals(Keys.Global.PORT.env)) s.put(k, v, k);
        });
        return s;
    }

    private void addProperties(Properties p, String fileSuffix) {
        for (String name : p.stringPropertyNames()) {
            if (!name.startsWith("sluice.")) continue;
            String origin = fileSuffix == null ? "system property " + name : name + fileSuffix;
            String variable = variableFor(name, origin);
            if (variable != null) put(variable, p.getProperty(name), origin);
        }
    }

    private String variableFor(String property, String origin) {
        Keys.Global g = Keys.Global.byProperty(property);
        if (g != null) return g.env;
        if (property.startsWith(Keys.QUEUE_PROPERTY_PREFIX)) {
            String rest = property.substring(Keys.QUEUE_PROPERTY_PREFIX.length());
            int dot = rest.lastIndexOf('.');
            Keys.Queue key = dot > 0 ? Keys.Queue.byProperty(rest.substring(dot + 1)) : null;
            if (key != null) {
                String name = rest.substring(0, dot);
                queueNames.putIfAbsent(Keys.envName(name), name);
                return Keys.QUEUE_PREFIX + Keys.envName(name) + "_" + key.name();
            }
            problems.add(origin + ": unknown queue setting; write sluice.queue.<name>.<key> with <key> one of "
                    + java.util.Arrays.stream(Keys.Queue.values()).map(Keys.Queue::property).toList());
            return null;
        }
        return property.equals(Keys.Global.CONFIG_FILE.property) ? null : unknown(property, origin);
    }

    private String unknown(String property, String origin) {
        warnings.add(origin + " is not a setting of the runtime (known: "
                + java.util.Arrays.stream(Keys.Global.values()).map(k -> k.property).toList()
                + " and sluice.queue.<name>.<key>); ignored");
        return null;
    }

    private void put(String variable, String value, String origin) {
        if (value == null) return;
        String v = value.trim();
        if (v.isEmpty()) return;
        settings.put(variable, new Setting(v, origin));
    }

    private static Properties load(String file, List<String> problems) {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            p.load(in);
        } catch (NoSuchFileException e) {
            problems.add("SLUICE_CONFIG_FILE / sluice.config.file names " + file
                    + ", which does not exist; fix the path or unset it");
        } catch (IOException | IllegalArgumentException e) {
            problems.add("cannot read the configuration file " + file + ": " + e.getMessage());
        }
        return p;
    }

    private static String firstNonBlank(String a, String b) {
        if (a != null && !a.isBlank()) return a.trim();
        return b != null && !b.isBlank() ? b.trim() : null;
    }
}
