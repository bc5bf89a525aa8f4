package dev.sluice.pubsub;

import dev.sluice.testkit.ConformanceHarness;
import dev.sluice.testkit.ConformanceSuite;

/**
 * The conformance suite against the in-process gRPC Pub/Sub test server, driven by the real Google client
 * through the driver, on virtual time.
 */
class PubSubConformanceTest extends ConformanceSuite {
    @Override
    protected ConformanceHarness createHarness() {
        return PubSubHarness.testServer();
    }
}
