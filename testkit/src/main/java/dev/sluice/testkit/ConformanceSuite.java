package dev.sluice.testkit;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The conformance suite every driver runs, and the one class a driver author extends: return a
 * {@link ConformanceHarness} from {@link #createHarness()} and JUnit runs both halves against the broker,
 * on one harness:
 * <ul>
 *   <li>{@link DriverHalf} ({@link DriverConformance}): the {@code QueueDriver} SPI called directly with raw
 *       messages: batch send results and order, a message the broker refuses failing alone, receive's max,
 *       ack, nack with delay, attempts, lease expiry and extension, a stale ack, deduplication, per-message
 *       delay, a missing queue, provisioning, {@code unwrap};</li>
 *   <li>{@link EngineHalf} ({@link EngineConformance}): {@code Sluice}, {@code Publisher}, {@code Worker} and
 *       {@code DeadLetters} on the broker: the wire format end to end, retries and dead letters with
 *       reasons, redrive, per-key order under failures, lease auto-extension, graceful close.</li>
 * </ul>
 * Cases the broker's {@code Capabilities} (or the harness) rule out are reported as skipped with the
 * capability named, never left out silently. What needs no broker (the Publisher's checks of an event
 * against the broker's limits, the start-up checks of a spec against its capabilities) is unit-tested in
 * {@code api} against a recording driver.
 *
 * <pre>{@code
 * class MyBrokerConformanceTest extends ConformanceSuite {
 *     protected ConformanceHarness createHarness() { return new MyBrokerHarness(); }
 * }
 * }</pre>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class ConformanceSuite {

    private ConformanceHarness harness;

    /** Creates the harness for this test class; both halves share it. */
    protected abstract ConformanceHarness createHarness() throws Exception;

    @BeforeAll
    void startHarness() throws Exception {
        harness = createHarness();
    }

    @AfterAll
    void stopHarness() {
        if (harness != null) harness.close();
    }

    /** The driver half, on this suite's harness. */
    @Nested
    class DriverHalf extends DriverConformance {
        @Override
        protected ConformanceHarness harness() {
            return harness;
        }
    }

    /** The engine half, on this suite's harness. */
    @Nested
    class EngineHalf extends EngineConformance {
        @Override
        protected ConformanceHarness harness() {
            return harness;
        }
    }
}
