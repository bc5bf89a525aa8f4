package dev.sluice;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The shape of {@code sluice-api}: which package may use which, and what the public surface may show. */
class ArchitectureTest {
    private static final JavaClasses API = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("dev.sluice");
    /** Packages whose types are no API: they must not appear in a public signature of an API package. */
    private static final String[] INTERNAL = {"dev.sluice.internal..", "dev.sluice.codec.."};
    private static final String[] PUBLIC = {"dev.sluice", "dev.sluice.core..", "dev.sluice.spi..",
            "dev.sluice.interceptor..", "dev.sluice.worker..", "dev.sluice.pipeline..", "dev.sluice.observe..", "dev.sluice.crypto.."};
    /** Each package of the jar a slice of its own, the root package (the contract) included. */
    private static final SliceAssignment PACKAGES = new SliceAssignment() {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass type) {
            String p = type.getPackageName();
            if (p.equals("dev.sluice")) return SliceIdentifier.of("dev.sluice");
            if (!p.startsWith("dev.sluice.")) return SliceIdentifier.ignore();
            return SliceIdentifier.of("dev.sluice." + p.substring("dev.sluice.".length()).split("\\.")[0]);
        }

        @Override
        public String getDescription() {
            return "the packages of sluice-api";
        }
    };

    @Test
    void theContractUsesNoOtherSluicePackage() {
        noClasses().that().resideInAPackage("dev.sluice")
                .should().dependOnClassesThat().resideInAPackage("dev.sluice.*..")
                .check(API);
    }

    @Test
    void theDriverSpiUsesOnlyTheContract() {
        noClasses().that().resideInAPackage("dev.sluice.spi..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.sluice.core..", "dev.sluice.worker..",
                        "dev.sluice.pipeline..", "dev.sluice.codec..", "dev.sluice.interceptor..",
                        "dev.sluice.internal..")
                .check(API);
    }

    @Test
    void theListenerSpiUsesOnlyTheContract() {
        noClasses().that().resideInAPackage("dev.sluice.observe..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.sluice.core..", "dev.sluice.worker..",
                        "dev.sluice.pipeline..", "dev.sluice.codec..", "dev.sluice.interceptor..",
                        "dev.sluice.internal..", "dev.sluice.spi..")
                .check(API);
    }

    @Test
    void theEncryptionPackageUsesOnlyTheContract() {
        noClasses().that().resideInAPackage("dev.sluice.crypto..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.sluice.core..", "dev.sluice.worker..",
                        "dev.sluice.pipeline..", "dev.sluice.codec..", "dev.sluice.interceptor..",
                        "dev.sluice.internal..", "dev.sluice.spi..", "dev.sluice.observe..")
                .check(API);
    }

    @Test
    void theEntryPointIsTheTopNothingDependsOnIt() {
        noClasses().that().resideOutsideOfPackage("dev.sluice.core..")
                .should().dependOnClassesThat().resideInAPackage("dev.sluice.core..")
                .check(API);
    }

    @Test
    void thePackagesHaveNoCycle() {
        slices().assignedFrom(PACKAGES).should().beFreeOfCycles().check(API);
    }

    @Test
    void noInternalTypeLeaksIntoAPublicSignature() {
        methods().that().arePublic().and().areDeclaredInClassesThat().arePublic()
                .and().areDeclaredInClassesThat().resideInAnyPackage(PUBLIC)
                .should(new ArchCondition<JavaMethod>("not take or return an internal type") {
                    @Override
                    public void check(JavaMethod method, ConditionEvents events) {
                        Stream.concat(Stream.of(method.getRawReturnType()), method.getRawParameterTypes().stream())
                                .filter(ArchitectureTest::internal)
                                .forEach(t -> events.add(SimpleConditionEvent.violated(method,
                                        method.getFullName() + " shows the internal type " + t.getName())));
                    }
                })
                .allowEmptyShould(false)
                .check(API);
    }

    @Test
    void sluiceApiPullsNoCloudSdkAndNoInstrumentationLibrary() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("software.amazon..", "com.amazonaws..",
                "com.google.cloud..", "com.google.api..", "io.grpc..", "io.micrometer..", "io.opentelemetry..")
                .check(API);
    }

    @Test
    void everyPackageSaysWhetherItIsPublicOrInternal() throws IOException {
        Path root = Path.of("src/main/java");
        List<Path> packages;
        try (Stream<Path> dirs = Files.walk(root)) {
            packages = dirs.filter(Files::isDirectory).filter(ArchitectureTest::holdsClasses).toList();
        }
        assertThat(packages).isNotEmpty().allSatisfy(dir -> {
            Path info = dir.resolve("package-info.java");
            assertThat(info).as("package-info.java of " + root.relativize(dir)).exists();
            assertThat(Files.readString(info)).as(info.toString()).containsAnyOf("Public API", "Internal", "SPI");
        });
    }

    private static boolean internal(JavaClass type) {
        String p = type.getPackageName();
        return p.equals("dev.sluice.internal") || p.startsWith("dev.sluice.internal.") || p.equals("dev.sluice.codec");
    }

    private static boolean holdsClasses(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(f -> f.toString().endsWith(".java") && !f.endsWith("package-info.java"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
