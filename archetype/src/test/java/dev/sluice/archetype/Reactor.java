package dev.sluice.archetype;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The modules of the Sluice build, read from their pom.xml files (the repository's root is this module's parent). */
final class Reactor {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern ARTIFACT = Pattern.compile("</parent>.*?<artifactId>([^<]+)</artifactId>", Pattern.DOTALL);
    private static final Pattern PACKAGING = Pattern.compile("<packaging>([^<]+)</packaging>");

    /** A module: its directory, artifact id and packaging. */
    record Module(Path dir, String artifactId, String packaging) {
        Path pom() {
            return dir.resolve("pom.xml");
        }
    }

    private Reactor() {
    }

    /** Every pom.xml under the root, except benchmarks (never published) and build output. */
    static List<Module> modules() {
        List<Module> modules = new ArrayList<>();
        try (Stream<Path> files = Files.walk(ROOT, 3)) {
            for (Path pom : files.filter(p -> p.getFileName().toString().equals("pom.xml")).sorted().toList()) {
                String rel = ROOT.relativize(pom).toString();
                if (rel.startsWith("benchmarks") || rel.contains("target") || rel.contains("node_modules")) continue;
                String xml = Files.readString(pom);
                Matcher a = ARTIFACT.matcher(xml);
                String artifactId;
                if (a.find()) {
                    artifactId = a.group(1);
                } else {
                    Matcher first = Pattern.compile("<artifactId>([^<]+)</artifactId>").matcher(xml);
                    first.find();
                    artifactId = first.group(1);
                }
                Matcher p = PACKAGING.matcher(xml);
                modules.add(new Module(pom.getParent(), artifactId, p.find() ? p.group(1) : "jar"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return modules;
    }
}
