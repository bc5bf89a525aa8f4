package dev.sluice.runtime.hosts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.runtime.hosts.Host.QueueSetup;
import dev.sluice.DeadLetterReason.Cause;
import dev.sluice.runtime.hosts.Host.Result;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The host contract on the Cloud Run host ({@link dev.sluice.runtime.cloudrun.CloudRunServer}) with mem:// queues. */
class CloudRunHostContractTest extends HostContract {

    @Override
    protected Host createHost() {
        return new CloudRunHost();
    }

    /**
     * Case 5, the other way a message reaches Cloud Run: a CloudEvent POSTed directly (not inside a Pub/Sub
     * message) that is invalid is decoded once, by the pipeline, and dead-lettered with UNDECODABLE like any
     * other undecodable message (204, so the sender does not retry what can never succeed).
     */
    @Test
    @DisplayName("05b an invalid CloudEvent POSTed directly is dead-lettered with UNDECODABLE")
    void invalidDirectCloudEventIsDeadLettered() throws Exception {
        host.start(QueueSetup.defaults());
        CloudRunHost cloudRun = (CloudRunHost) host;

        Result r = cloudRun.post("direct-1", Map.of("Content-Type", "application/json", "ce-specversion", "1.0",
                "ce-type", ContractModule.JOB, "ce-source", "/contract"), "{not json");

        assertThat(r).isNotInstanceOf(Result.Refused.class).isNotInstanceOf(Result.Retried.class);
        assertThat(host.journal().runs()).isEmpty();
        assertThat(host.deadLetters()).singleElement()
                .satisfies(d -> assertThat(d.reason().cause()).isEqualTo(Cause.UNDECODABLE));
    }
}
