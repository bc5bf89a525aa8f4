package dev.sluice.archetype;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BomTest {
    /** Built and tested here, never used by an application. */
    private static final Set<String> NOT_PUBLISHED = Set.of("sluice-samples", "sluice-runtime-host-tests", "sluice-archetype");

    @Test
    void theBomManagesEveryModuleAnApplicationCanDependOn() throws Exception {
        String bom = Files.readString(Reactor.ROOT.resolve("bom/pom.xml"));
        List<String> libraries = Reactor.modules().stream()
                .filter(m -> m.packaging().equals("jar") && !NOT_PUBLISHED.contains(m.artifactId()))
                .map(Reactor.Module::artifactId).toList();

        assertThat(libraries).contains("sluice-api", "sluice-runtime-lambda");
        assertThat(libraries).allSatisfy(a -> assertThat(bom)
                .as("bom/pom.xml must manage %s (add it to its dependencyManagement)", a)
                .contains("<artifactId>" + a + "</artifactId>"));
    }

    @Test
    void theBomImportsJacksonBeforeAnyOtherBomThatCouldManageIt() throws Exception {
        String bom = Files.readString(Reactor.ROOT.resolve("bom/pom.xml"));
        int jackson = bom.indexOf("<artifactId>jackson-bom</artifactId>");
        assertThat(jackson).isPositive();
        for (String other : List.of("cloudevents-bom", "libraries-bom", "jetty-bom", "<artifactId>bom</artifactId>")) {
            assertThat(bom.indexOf(other)).as(other).isGreaterThan(jackson);
        }
    }
}
