package dev.sluice.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.OutgoingEvent;
import dev.sluice.PublishOptions;
import dev.sluice.QueueSpec;
import dev.sluice.core.Sluice;
import dev.sluice.testkit.Await;
import dev.sluice.testkit.KillTestWorker;
import dev.sluice.worker.Worker;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker in its own JVM is killed with SIGKILL mid-run; a second worker (this JVM) finishes the queue. Nothing is
 * lost: the broker gives back whatever the dead process held unacked as soon as its TCP connection drops. Events the
 * killed worker handled but had not acked are handled again (at-least-once); the test counts and prints them.
 */
class RabbitKillTest {
    private static final int EVENTS = 1_000;

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void aWorkerKilledMidRunLosesNothingAndASecondWorkerFinishesTheQueue(@TempDir Path dir) throws Exception {
        Path childLog = dir.resolve("handled-by-child.txt");
        try (RabbitBroker broker = RabbitBroker.start("kill"); Sluice sluice = Sluice.create()) {
            QueueSpec spec = KillTestWorker.spec(broker.uri("kill"), Duration.ofSeconds(30));
            sluice.open(spec);
            List<OutgoingEvent> events = new ArrayList<>();
            for (int i = 0; i < EVENTS; i++) {
                events.add(new OutgoingEvent(CloudEventBuilder.v1().withId("k-" + i).withSource(URI.create("/kill"))
                        .withType(KillTestWorker.TYPE).build(), PublishOptions.NONE));
            }
            sluice.publisher(spec.uri()).publishAll(events).get(30, TimeUnit.SECONDS);

            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", KillTestWorker.class.getName(), spec.uri().toString(),
                    childLog.toString(), "30").redirectErrorStream(true).redirectOutput(dir.resolve("child-output.txt").toFile()).start();
            try {
                Await.until("the child worker handled 200 events", () -> lines(childLog).size() >= 200, Duration.ofSeconds(40));
            } finally {
                child.destroyForcibly(); // SIGKILL: no shutdown hook, no close, no ack flush
                child.waitFor(10, TimeUnit.SECONDS);
            }
            assertThat(child.isAlive()).isFalse();
            List<String> byChild = lines(childLog);

            Map<String, AtomicInteger> bySurvivor = new ConcurrentHashMap<>();
            try (Worker survivor = sluice.worker(spec).withoutLogging().on(KillTestWorker.TYPE, (e, d) ->
                    bySurvivor.computeIfAbsent(e.getId(), k -> new AtomicInteger()).incrementAndGet()).start()) {
                Await.until("every event handled by one worker or the other", () -> {
                    Set<String> all = new HashSet<>(byChild);
                    all.addAll(bySurvivor.keySet());
                    return all.size() == EVENTS;
                }, Duration.ofSeconds(40));
            }
            Set<String> both = new HashSet<>(byChild);
            both.retainAll(bySurvivor.keySet());
            int repeatsInSurvivor = bySurvivor.values().stream().mapToInt(c -> c.get() - 1).sum();
            int repeatsInChild = byChild.size() - new HashSet<>(byChild).size();
            System.err.println("KILL child handled " + byChild.size() + " before SIGKILL, survivor " + bySurvivor.size()
                    + "; duplicates: " + both.size() + " handled by both (handled, not yet acked when killed), "
                    + (repeatsInChild + repeatsInSurvivor) + " within one process; lost: 0 of " + EVENTS);
            Set<String> all = new HashSet<>(byChild);
            all.addAll(bySurvivor.keySet());
            assertThat(all).hasSize(EVENTS);
            assertThat(bySurvivor.size()).as("the survivor finished the queue").isGreaterThan(0);
        }
    }

    private static List<String> lines(Path file) {
        try {
            if (!Files.exists(file)) return List.of();
            List<String> lines = new ArrayList<>();
            for (String l : Files.readAllLines(file, StandardCharsets.UTF_8)) if (!l.isBlank()) lines.add(l.trim());
            return lines;
        } catch (IOException e) {
            return List.of();
        }
    }
}
