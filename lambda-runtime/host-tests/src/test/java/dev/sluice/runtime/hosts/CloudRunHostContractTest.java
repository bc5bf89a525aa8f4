package dev.sluice.runtime.hosts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.runtime.hosts.Host.QueueSetup;
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
     * Case 5, the other way a message reaches Cloud Run: a CloudEvent POSTed directly (not inside a Pub/Sub message)
     * that is invalid is refused with 400, before any handler, and not dead-lettered: the sender sees the answer and
     * can fix it (a Pub/Sub push whose message is not a CloudEvent is dead-lettered: case 5).
     */
    @Test
    @DisplayName("05b an invalid CloudEvent POSTed directly is refused with 400, not dead-lettered")
    void invalidDirectCloudEventIsRefused() throws Exception {
        host.start(QueueSetup.defaults());
        CloudRunHost cloudRun = (CloudRunHost) host;

        Result r = cloudRun.post("direct-1", Map.of("Content-Type", "application/json", "ce-specversion", "1.0",
                "ce-type", ContractModule.JOB, "ce-source", "/contract"), "{not json");

        assertThat(r).isInstanceOfSatisfying(Result.Refused.class, refused -> {
            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.body()).contains("ce-id");
        });
        assertThat(host.journal().runs()).isEmpty();
        assertThat(host.deadLetters()).isEmpty();
    }
}
