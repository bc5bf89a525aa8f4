package dev.sluice.inmemory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.Sluice;
import dev.sluice.testkit.Await;
import dev.sluice.worker.Worker;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Decorators change what publishers send, follow-ups included; one that throws is skipped, never felt. */
class EventDecoratorTest {

    @Test
    void decoratorsRunInOrderOnPublishesAndFollowUpsAndAThrowingOneIsSkipped() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        List<String> decoratedOnThread = new CopyOnWriteArrayList<>();
        try (Sluice sluice = Sluice.builder()
                .decorator((e, to) -> CloudEventBuilder.from(e).withExtension("stamp", "a").build())
                .decorator((e, to) -> { throw new IllegalStateException("broken decorator"); })
                .decorator((e, to) -> {
                    decoratedOnThread.add(Thread.currentThread().getName());
                    return CloudEventBuilder.from(e).withExtension("stamp", e.getExtension("stamp") + "b")
                            .withExtension("to", to.toString()).build();
                })
                .build();
             Worker worker = sluice.worker("mem://decorated")
                     .on("first", (e, d) -> d.emit("second", Map.of()))
                     .on("second", (e, d) -> seen.add(e.getExtension("stamp") + " " + e.getExtension("to")))
                     .start()) {
            CloudEvent first = CloudEventBuilder.v1().withId("f-1").withSource(URI.create("/t")).withType("first").build();
            sluice.publisher("mem://decorated").publish(first).get();
            Await.until("the follow-up handled", () -> seen.size() == 1);
        }
        assertThat(seen).containsExactly("ab mem://decorated");
        assertThat(decoratedOnThread).hasSize(2);
        assertThat(decoratedOnThread.get(1)).as("a follow-up is decorated on its handler's thread")
                .startsWith("sluice-handler-");
    }
}
