package dev.sluice.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.QueueSpec;
import dev.sluice.spi.InboundMessage;
import dev.sluice.spi.OutboundMessage;
import dev.sluice.spi.QueueDriver;
import dev.sluice.spi.SendResult;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A message just under Pub/Sub's 10 MB limit goes through, byte for byte. */
class LargeMessageTest {
    @Test
    void aMessageJustUnderTenMegabytesRoundTrips() throws Exception {
        try (TestServerFixture fx = new TestServerFixture()) {
            URI uri = TestServerFixture.uri(TestServerFixture.name("large"));
            try (QueueDriver d = fx.driver(uri)) {
                assertThat(d.provision(QueueSpec.builder(uri).build(), d.defaultDeadLetterUri())).isEmpty();
                byte[] body = new byte[9_999_000];
                for (int i = 0; i < body.length; i++) body[i] = (byte) (i * 31);
                SendResult r = d.send(List.of(new OutboundMessage("big", body, Map.of("k", "v"), null, null, Duration.ZERO))).get(0);
                assertThat(r.error()).isNull();
                InboundMessage m = PubSubDriverTest.receiveSome(d, 1).get(0);
                assertThat(Arrays.equals(m.body(), body)).isTrue();
            }
        }
    }
}
