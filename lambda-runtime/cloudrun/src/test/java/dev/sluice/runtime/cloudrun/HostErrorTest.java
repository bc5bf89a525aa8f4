package dev.sluice.runtime.cloudrun;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.pipeline.Pipeline;
import dev.sluice.testkit.Await;
import java.net.InetAddress;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.Test;

/** A failure in the host itself is a 500 whose body says so and nothing more: no exception text. */
class HostErrorTest {
    @Test
    void aHostFailureIsA500WithAGenericBody() throws Exception {
        Map<String, Pipeline> broken = new HashMap<>();
        broken.put("orders", null); // the host will fail with a NullPointerException when it runs the message
        QueuedThreadPool threads = new QueuedThreadPool(8, 2);
        Server server = new Server(threads);
        ServerConnector connector = new ServerConnector(server, 1, 1);
        connector.setHost(InetAddress.getLoopbackAddress().getHostAddress());
        server.addConnector(connector);
        server.setErrorHandler(new GenericErrors());
        Drain drain = new Drain();
        server.setHandler(new PushHandler(new QueueChooser(broken), null, 4096, drain, threads));
        server.start();
        try {
            String body = Http.push(Http.pubsubMessage("h1", "e-h1", "greet", "{\"name\":\"secret-value\"}"), null);
            HttpResponse<String> r = Http.post(connector.getLocalPort(), "/", Map.of("Content-Type", "application/json"), body);
            assertThat(r.statusCode()).isEqualTo(500);
            assertThat(r.body()).isEqualTo("internal error\n")
                    .doesNotContain("NullPointer").doesNotContain("Exception").doesNotContain("secret-value");
            // the host leaves the drain count once the answer is written, which the client may see first
            Await.until("the failed request left the drain count", () -> drain.inFlight() == 0);
        } finally {
            server.stop();
        }
    }
}
