package dev.sluice.archetype;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a team does on its first day, against this build's artifacts: {@code mvn archetype:generate} a worker
 * project, build it (its test runs), package the Lambda jar and the Cloud Run layout, and check that the project
 * resolves one Jackson.
 *
 * <p>The project is built by a separate Maven with a repository of its own under {@code target/}: this build's
 * Sluice artifacts are copied in, as {@code mvn install} would put them, and everything else comes from the
 * repository of the build that runs this test (as a mirror of every remote, so nothing is downloaded).
 */
class NewProjectIT {
    private static final String VERSION = System.getProperty("sluice.version");
    private static final Path WORK = Path.of("target", "new-project").toAbsolutePath();
    private static final Path REPO = WORK.resolve("repository");
    private static final Path SETTINGS = WORK.resolve("settings.xml");
    private static final Path PROJECT = WORK.resolve("welcome-worker");
    private static final Pattern JACKSON = Pattern.compile("com\\.fasterxml\\.jackson\\.core:(jackson-core|jackson-databind):jar:([^:\\s]+)");

    @BeforeAll
    static void generate() throws Exception {
        deleteRecursively(WORK);
        Files.createDirectories(REPO);
        for (Reactor.Module m : Reactor.modules()) install(m);
        Path outer = Path.of(System.getProperty("sluice.outer.repository"));
        Files.writeString(SETTINGS, """
                <settings>
                  <mirrors>
                    <mirror><id>outer</id><mirrorOf>*</mirrorOf><url>%s</url></mirror>
                  </mirrors>
                </settings>
                """.formatted(outer.toUri()));

        mvn(WORK, "org.apache.maven.plugins:maven-archetype-plugin:" + System.getProperty("sluice.archetype.plugin.version") + ":generate",
                "-DarchetypeGroupId=dev.sluice", "-DarchetypeArtifactId=sluice-archetype", "-DarchetypeVersion=" + VERSION,
                "-DarchetypeCatalog=local", "-DgroupId=com.acme", "-DartifactId=welcome-worker",
                "-Dpackage=com.acme.welcome", "-Dversion=1.0.0-SNAPSHOT");
    }

    @Test
    void theGeneratedProjectPassesItsTestAndPackagesTheLambdaJarAndTheCloudRunLayout() throws Exception {
        String build = mvn(PROJECT, "verify", "-Plambda,cloudrun");

        assertThat(build).contains("Tests run: 1, Failures: 0, Errors: 0, Skipped: 0");
        Path lambdaJar = PROJECT.resolve("target/welcome-worker-lambda.jar");
        try (JarFile jar = new JarFile(lambdaJar.toFile())) {
            assertThat(jar.getEntry("com/acme/welcome/WelcomeHandler.class")).isNotNull();
            assertThat(jar.getEntry("dev/sluice/runtime/lambda/SqsLambdaHandler.class")).isNotNull();
            String drivers = new String(jar.getInputStream(jar.getEntry("META-INF/services/dev.sluice.spi.DriverProvider"))
                    .readAllBytes());
            assertThat(drivers).contains("dev.sluice.sqs.SqsDriverProvider");
        }
        try (Stream<Path> lib = Files.list(PROJECT.resolve("target/lib"))) {
            assertThat(lib.map(p -> p.getFileName().toString()))
                    .anyMatch(n -> n.startsWith("sluice-runtime-cloudrun-"))
                    .anyMatch(n -> n.startsWith("sluice-adapters-pubsub-"));
        }
        assertThat(PROJECT.resolve("Dockerfile")).exists();
        assertThat(Files.readString(PROJECT.resolve("README.md"))).contains("mvn verify");
    }

    @Test
    void theGeneratedProjectResolvesOneJacksonVersion() throws Exception {
        String tree = mvn(PROJECT, "org.apache.maven.plugins:maven-dependency-plugin:"
                + System.getProperty("sluice.dependency.plugin.version") + ":tree", "-Plambda,cloudrun");

        Set<String> found = new TreeSet<>();
        Matcher m = JACKSON.matcher(tree);
        while (m.find()) found.add(m.group(1) + ":" + m.group(2));
        String databind = found.stream().filter(a -> a.startsWith("jackson-databind:")).findFirst().orElseThrow();
        String version = databind.substring(databind.indexOf(':') + 1);
        assertThat(found).as("jackson-core and jackson-databind in the tree").containsExactly(
                "jackson-core:" + version, "jackson-databind:" + version);
    }

    @Test
    void theReadmesWorkerAndLambdaPomsBuildTheGeneratedSources() throws Exception {
        String readme = Files.readString(Reactor.ROOT.resolve("README.md"));

        Path worker = project("readme-worker", readmePom(readme, "worker"), "src/main", "src/test");
        assertThat(mvn(worker, "verify")).contains("Tests run: 1, Failures: 0, Errors: 0, Skipped: 0");

        Path lambda = project("readme-lambda", readmePom(readme, "lambda"), "src/main");
        mvn(lambda, "package");
        try (JarFile jar = new JarFile(lambda.resolve("target/welcome-lambda-1.0.0-SNAPSHOT.jar").toFile())) {
            assertThat(jar.getEntry("com/acme/welcome/WelcomeHandler.class")).isNotNull();
            assertThat(jar.getEntry("dev/sluice/runtime/lambda/SqsLambdaHandler.class")).isNotNull();
            assertThat(jar.getEntry("META-INF/services/dev.sluice.spi.DriverProvider")).isNotNull();
        }
    }

    /** The {@code ```xml pom=<name>} block of the README, as a user would paste it. */
    private static String readmePom(String readme, String name) {
        Matcher m = Pattern.compile("```xml pom=" + name + "\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertThat(m.find()).as("README.md has a ```xml pom=%s block", name).isTrue();
        return m.group(1);
    }

    /** A project of {@code pom} with the generated project's sources in {@code dirs}. */
    private static Path project(String name, String pom, String... dirs) throws IOException {
        Path dir = WORK.resolve(name);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("pom.xml"), pom);
        for (String d : dirs) {
            Path from = PROJECT.resolve(d);
            try (Stream<Path> files = Files.walk(from)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    Path to = dir.resolve(d).resolve(from.relativize(f));
                    Files.createDirectories(to.getParent());
                    Files.copy(f, to);
                }
            }
        }
        return dir;
    }

    /** Puts a module's pom (and jar) where {@code mvn install} would. */
    private static void install(Reactor.Module m) throws IOException {
        Path dir = REPO.resolve("dev/sluice/" + m.artifactId() + "/" + VERSION);
        Files.createDirectories(dir);
        Files.copy(m.pom(), dir.resolve(m.artifactId() + "-" + VERSION + ".pom"), StandardCopyOption.REPLACE_EXISTING);
        if (m.packaging().equals("pom")) return;
        Path jar = m.dir().resolve("target/" + m.artifactId() + "-" + VERSION + ".jar");
        if (!Files.exists(jar)) {
            if (m.artifactId().equals("sluice-runtime-host-tests") || m.artifactId().equals("sluice-samples")) return;
            throw new IllegalStateException(jar + " is missing: NewProjectIT runs after the modules are packaged"
                    + " (mvn verify or install from the root)");
        }
        Files.copy(jar, dir.resolve(m.artifactId() + "-" + VERSION + ".jar"), StandardCopyOption.REPLACE_EXISTING);
    }

    /** Runs Maven in batch mode on the test's repository; fails with the output when it fails. */
    private static String mvn(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(mavenExecutable(), "-B", "-s", SETTINGS.toString(),
                "-Dmaven.repo.local=" + REPO, "-Dstyle.color=never"));
        command.addAll(List.of(args));
        Path log = Files.createTempFile(WORK, "mvn", ".log");
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("mvn " + String.join(" ", args) + " did not finish in 5 minutes:\n" + Files.readString(log));
        }
        String output = Files.readString(log);
        if (p.exitValue() != 0) throw new AssertionError("mvn " + String.join(" ", args) + " failed:\n" + output);
        return output;
    }

    private static String mavenExecutable() {
        String home = System.getProperty("sluice.maven.home");
        Path mvn = home == null ? null : Path.of(home, "bin", "mvn");
        return mvn != null && Files.isExecutable(mvn) ? mvn.toString() : "mvn";
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted((a, b) -> b.compareTo(a)).toList()) Files.delete(p);
        }
    }
}
