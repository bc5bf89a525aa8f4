package dev.sluice.runtime.cloudrun;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Module;
import dev.sluice.Interceptor;
import dev.sluice.core.Sluice;
import dev.sluice.runtime.inject.SluiceHandlers;
import dev.sluice.runtime.inject.SluiceRuntime;
import dev.sluice.runtime.testapp.TestConfigs;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** WIRE-FORMAT.md's HTTP example, posted as it is written, reaches the handler as the example event. */
class WireFormatDocTest {
    private static final CloudEvent EXAMPLE = CloudEventBuilder.v1().withId("order-42-confirmed").withSource(URI.create("/shop/orders"))
            .withType("order.confirmed").withTime(OffsetDateTime.parse("2026-05-01T10:00:00Z"))
            .withData("application/json", "{\"order\":42,\"total\":9.99}".getBytes(StandardCharsets.UTF_8))
            .withExtension("tenant", "acme").build();

    @Test
    void theHttpExamplePostedAsWrittenIsTheExampleEvent() throws Exception {
        String doc = Files.readString(Path.of("..", "..", "WIRE-FORMAT.md"));
        Matcher m = Pattern.compile("```http wire=http\\n(.*?)```", Pattern.DOTALL).matcher(doc);
        assertThat(m.find()).as("WIRE-FORMAT.md has a ```http wire=http block").isTrue();
        String[] parts = m.group(1).split("\n\n", 2);
        List<String> head = List.of(parts[0].split("\n"));
        assertThat(head.get(0)).isEqualTo("POST / HTTP/1.1");
        Map<String, String> headers = new LinkedHashMap<>();
        for (String h : head.subList(1, head.size())) headers.put(h.substring(0, h.indexOf(':')), h.substring(h.indexOf(':') + 1).trim());

        List<CloudEvent> seen = new CopyOnWriteArrayList<>();
        Interceptor record = chain -> {
            seen.add(chain.event());
            return chain.proceed();
        };
        Map<String, String> env = TestConfigs.env("mem://orders");
        env.put("SLUICE_PUSH_AUTH", "none");
        Module recording = binder -> SluiceHandlers.bind(binder).interceptor(record);
        SluiceRuntime runtime = SluiceRuntime.start(TestConfigs.config(env), Sluice.builder(), List.of(recording));
        CloudRunServer server = CloudRunServer.start(runtime, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), Clock.systemUTC());
        try {
            assertThat(Http.post(server.port(), "/", headers, parts[1].strip()).statusCode()).isEqualTo(204);
        } finally {
            server.close();
        }
        assertThat(seen).containsExactly(EXAMPLE);
    }
}
