package dev.sluice.sqs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.ErrorCode;
import dev.sluice.QueueSpec;
import dev.sluice.Scheduler;
import dev.sluice.SluiceException;
import dev.sluice.core.Sluice;
import dev.sluice.spi.DriverContext;
import dev.sluice.testkit.Await;
import dev.sluice.worker.Worker;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.profiles.ProfileFile;

/** The local loop: a server on this machine needs no AWS set-up, and the errors say what is wrong. */
class SqsLocalEndpointTest {

    @Test
    void aServerOnThisMachineWorksWithTheDefaultDriverAndNoCredentialsOrRegionConfigured() throws Exception {
        try (ElasticMq mq = ElasticMq.start();
             Sluice sluice = Sluice.builder().environment(name -> null).build()) {
            QueueSpec spec = QueueSpec.of("sqs://local-loop?endpoint=" + mq.endpoint());
            List<String> handled = new CopyOnWriteArrayList<>();
            try (Worker worker = sluice.worker(spec).on("ping", (e, d) -> handled.add(e.getId())).start()) {
                sluice.publisher(spec.uri()).publish("ping", Map.of("n", 1)).join();
                Await.until("the event handled", () -> handled.size() == 1);
            }
        }
    }

    @Test
    void nothingListeningAtTheEndpointIsReportedAsAServerNotRunning() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        try (Sluice sluice = Sluice.builder().environment(name -> null).build()) {
            QueueSpec spec = QueueSpec.of("sqs://nobody?endpoint=http://127.0.0.1:" + port + "&region=us-east-1");
            assertThatThrownBy(() -> sluice.open(spec)).isInstanceOf(SluiceException.class)
                    .hasMessageContaining("nothing accepts connections at http://127.0.0.1:" + port + ": is the server running?")
                    .hasMessageNotContaining("credentials");
        }
    }

    @Test
    void missingCredentialsAreToldApartFromAnUnreachableServer() {
        SdkClientException noCredentials = assertThrowsSdk(() -> AwsCredentialsProviderChain.of(ProfileCredentialsProvider.builder()
                .profileFile(ProfileFile.builder().content(new ByteArrayInputStream(new byte[0]))
                        .type(ProfileFile.Type.CREDENTIALS).build()).build()).resolveCredentials());
        SqsAddress address = SqsAddress.parse(URI.create("sqs://orders?region=eu-west-1"),
                new DriverContext(Scheduler.system(), name -> null));

        String said = SqsErrors.describe(noCredentials, "SendMessage", address);

        assertThat(SqsErrors.code(noCredentials)).isEqualTo(ErrorCode.PERMISSION_DENIED);
        assertThat(said).contains("no AWS credentials were found").contains("AWS_ACCESS_KEY_ID")
                .doesNotContain("running?");
    }

    private static SdkClientException assertThrowsSdk(Runnable call) {
        try {
            call.run();
        } catch (SdkClientException e) {
            return e;
        }
        throw new AssertionError("expected the SDK to find no credentials");
    }
}
