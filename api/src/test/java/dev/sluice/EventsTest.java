package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.Sluice;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventsTest {
    private final Events events = new Events(Sluice.defaultMapper(), URI.create("/app"), Scheduler.system());
    private final CloudEvent parent = CloudEventBuilder.v1().withId("p-1").withSource(URI.create("/shop")).withType("order.placed").build();

    @Test
    void followUpsOfARedeliveredParentGetTheSameIds() {
        CloudEvent first = events.followUp(parent, 0, "email.send", Map.of("to", "ada"));
        CloudEvent again = events.followUp(parent, 0, "email.send", Map.of("to", "ada"));
        CloudEvent second = events.followUp(parent, 1, "email.send", Map.of("to", "ada"));

        assertThat(again.getId()).isEqualTo(first.getId());
        assertThat(second.getId()).isNotEqualTo(first.getId());
        assertThat(first.getSource()).isEqualTo(URI.create("/app"));
        assertThat(new String(first.getData().toBytes())).isEqualTo("{\"to\":\"ada\"}");
    }

    @Test
    void dataBindsBackOrFailsPermanentlyNamingTheType() {
        record Line(String sku, int quantity) { }
        CloudEvent e = events.create("line", new Line("a", 2));
        assertThat(events.bind(e, Line.class)).isEqualTo(new Line("a", 2));
        CloudEvent bad = CloudEventBuilder.v1(e).withData("application/json", "[1]".getBytes()).build();
        assertThatThrownBy(() -> events.bind(bad, Line.class)).isInstanceOf(PermanentFailureException.class)
                .hasMessageContaining("does not bind to").hasMessageContaining("Line");
        CloudEvent secret = CloudEventBuilder.v1(e).withData("application/json",
                "{\"sku\":\"a\",\"quantity\":\"4111-1111-1111-1111\"}".getBytes()).build();
        assertThatThrownBy(() -> events.bind(secret, Line.class)).hasMessageContaining("'quantity' is not a valid int")
                .hasMessageNotContaining("4111");
        CloudEvent broken = CloudEventBuilder.v1(e).withData("application/json", "{\"sku\": secret".getBytes()).build();
        assertThatThrownBy(() -> events.bind(broken, Line.class)).hasMessageContaining("not valid JSON")
                .hasMessageNotContaining("secret");
    }
}
