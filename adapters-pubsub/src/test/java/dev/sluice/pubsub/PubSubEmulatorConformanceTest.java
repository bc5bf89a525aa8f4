package dev.sluice.pubsub;

import dev.sluice.testkit.ConformanceHarness;
import dev.sluice.testkit.ConformanceSuite;
import org.junit.jupiter.api.condition.EnabledIf;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PubSubEmulatorContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The conformance suite against Google's Pub/Sub emulator in Docker, on the wall clock. Where no Docker
 * engine answers, every case is reported as skipped with that reason and the build passes.
 */
@EnabledIf(value = "dockerAvailable",
        disabledReason = "no Docker engine here: the run against Google's Pub/Sub emulator (Testcontainers) needs one")
class PubSubEmulatorConformanceTest extends ConformanceSuite {
    static final DockerImageName IMAGE = DockerImageName.parse("gcr.io/google.com/cloudsdktool/google-cloud-cli:emulators");

    static boolean dockerAvailable() {
        return DockerClientFactory.instance().isDockerAvailable();
    }

    @Override
    protected ConformanceHarness createHarness() {
        PubSubEmulatorContainer emulator = new PubSubEmulatorContainer(IMAGE);
        emulator.start();
        return PubSubHarness.emulator(emulator.getEmulatorEndpoint(), emulator::stop);
    }
}
