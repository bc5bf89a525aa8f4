package dev.sluice.runtime.poller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.Sluice;
import dev.sluice.runtime.testapp.Recorder;
import dev.sluice.runtime.testapp.TestConfigs;
import dev.sluice.testkit.Await;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The poller's /metrics: Sluice's meters, the depth gauges, the worker's slot gauges, and the application's own through the injected registry. */
class PollerMetricsTest {

    private static String get(String url) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
        return r.body();
    }

    @Test
    void servesSluicesMetersTheDepthGaugesAndWhatHandlersRecordOnTheInjectedRegistry() throws Exception {
        Map<String, String> env = TestConfigs.env("mem://orders");
        env.put("SLUICE_METRICS_HOST", "127.0.0.1");
        env.put("SLUICE_METRICS_PORT", "0");
        env.put("SLUICE_METRICS_PATH", "/prom");
        try (PollerMain poller = PollerMain.start(TestConfigs.config(env), Sluice.builder(), List.of())) {
            MeterRegistry registry = poller.runtime().injector().getInstance(MeterRegistry.class);
            registry.counter("shop.orders.checked").increment();
            poller.runtime().sluice().publisher("mem://orders").publish("greet", Map.of("name", "metrics")).join();
            Recorder recorder = poller.runtime().injector().getInstance(Recorder.class);
            Await.until("handled", () -> recorder.handled().contains("greet:metrics"));

            String url = "http://127.0.0.1:" + poller.metricsPort().orElseThrow() + "/prom";
            Await.until("the ack counted", () -> {
                try {
                    return get(url).contains("sluice_handled_messages_total{cloudevents_event_type=\"greet\"");
                } catch (Exception e) {
                    return false;
                }
            });
            assertThat(get(url)).contains("shop_orders_checked_total 1.0")
                    .contains("sluice_queue_messages{messaging_destination_name=\"orders\",messaging_system=\"mem\",sluice_queue_role=\"source\",sluice_state=\"visible\"}")
                    .contains("sluice_queue_messages{messaging_destination_name=\"orders-dlq\"");
            // the worker's handler slots: all free again once the one message is settled
            String slots = "sluice_handlers_slots{messaging_destination_name=\"orders\",messaging_system=\"mem\"}";
            String free = "sluice_handlers_free{messaging_destination_name=\"orders\",messaging_system=\"mem\"}";
            assertThat(value(get(url), slots)).isEqualTo(poller.runtime().config().queues().get(0).spec().concurrency());
            Await.until("every slot free", () -> {
                try {
                    String text = get(url);
                    return value(text, free) == value(text, slots);
                } catch (Exception e) {
                    return false;
                }
            });
        }
    }

    /** The value of the series {@code series} (name and labels as scraped), NaN when absent. */
    private static double value(String text, String series) {
        return text.lines().filter(l -> l.startsWith(series + " ")).mapToDouble(l -> Double.parseDouble(l.substring(series.length() + 1)))
                .findFirst().orElse(Double.NaN);
    }

    @Test
    void offMeansNoEndpoint() {
        Map<String, String> env = TestConfigs.env("mem://orders");
        env.put("SLUICE_METRICS", "off");
        try (PollerMain poller = PollerMain.start(TestConfigs.config(env), Sluice.builder(), List.of())) {
            assertThat(poller.metricsPort()).isEmpty();
        }
    }
}
