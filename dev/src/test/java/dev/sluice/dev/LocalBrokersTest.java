package dev.sluice.dev;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.QueueSpec;
import dev.sluice.core.Sluice;
import dev.sluice.testkit.Await;
import dev.sluice.worker.Worker;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** What a developer does with the local brokers: a worker on each, fed by the publish command. */
class LocalBrokersTest {

    @Test
    void aWorkerOnEachLocalBrokerHandlesWhatThePublishCommandSends() throws Exception {
        try (LocalBrokers brokers = LocalBrokers.start(0, 0);
             Sluice sluice = Sluice.builder().environment(name -> null).build()) {
            String sqs = "sqs://dev-jobs?endpoint=" + brokers.sqsEndpoint();
            String pubsub = "pubsub://projects/local/topics/dev-jobs?subscription=dev-jobs-worker&endpoint=" + brokers.pubsubEndpoint();
            List<Map<?, ?>> handled = new CopyOnWriteArrayList<>();
            try (Worker onSqs = sluice.worker(QueueSpec.of(sqs)).on("job.created", Map.class, (m, d) -> handled.add(m)).start();
                 Worker onPubSub = sluice.worker(QueueSpec.of(pubsub)).on("job.created", Map.class, (m, d) -> handled.add(m)).start()) {
                LocalBrokers.publish(List.of(sqs, "job.created", "id=1", "name=ada"));
                LocalBrokers.publish(List.of(pubsub, "job.created", "id=2", "name=grace"));

                Await.until("both events handled", () -> handled.size() == 2);
            }
            assertThat(handled).containsExactlyInAnyOrder(Map.of("id", "1", "name", "ada"), Map.of("id", "2", "name", "grace"));
        }
    }
}
