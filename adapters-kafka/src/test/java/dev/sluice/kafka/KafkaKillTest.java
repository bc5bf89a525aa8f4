package dev.sluice.kafka;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A worker process killed with SIGKILL mid-run, in each mode: in share-group mode what it had acquired comes back when
 * its acquisition locks end (the group's lock duration, 2 s: the lease); in consumer-group mode its partition moves
 * to the second worker when its session ends, which reads from the last commit (the lowest unsettled offset). A
 * second worker finishes the queue. Nothing is lost; events the first handled but had not settled are handled again
 * (at least once), and the test counts and prints them.
 */
class KafkaKillTest {
    private static final String TYPE = KillTestWorker.TYPE;
    private static final int EVENTS = 1500;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "mode={0}")
    @ValueSource(strings = {"share", "consumer"})
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aSecondWorkerFinishesTheQueueOfAWorkerKilledMidRunAndNothingIsLost(String mode) throws Exception {
        KafkaBroker broker = KafkaBroker.shared();
        String uri = broker.uri("kill-" + mode, "mode=" + mode + "&partitions=2");
        QueueSpec spec = KillTestWorker.spec(uri, Duration.ofSeconds(2));
        Path handledFile = dir.resolve("handled-by-the-killed-worker.txt");
        Path log = dir.resolve("killed-worker.log");
        Set<String> all = new HashSet<>();
        try (Sluice sluice = Sluice.create()) {
            sluice.open(spec); // creates the topics and sets the group's config
            List<OutgoingEvent> events = new ArrayList<>();
            for (int i = 0; i < EVENTS; i++) {
                all.add("k-" + i);
                events.add(new OutgoingEvent(CloudEventBuilder.v1().withId("k-" + i).withSource(URI.create("/kill"))
                        .withType(TYPE).build(), PublishOptions.NONE));
            }
            sluice.publisher(uri).publishAll(events).get(60, TimeUnit.SECONDS);

            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            Process p = new ProcessBuilder(List.of(java, "-Xmx256m", "-cp", cp, KillTestWorker.class.getName(), uri,
                    handledFile.toString())).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                Await.until("the worker process has handled 300 events", () -> lines(handledFile).size() >= 300,
                        Duration.ofSeconds(60));
                p.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no drain, no acks flushed
                assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
            } finally {
                p.destroyForcibly();
            }
            assertThat(p.exitValue()).as("killed by SIGKILL (128 + 9)").isEqualTo(137);
            List<String> byKilled = lines(handledFile);
            System.err.println("KAFKA KILL (" + mode + "): the worker process handled " + byKilled.size() + " of " + EVENTS
                    + " events before SIGKILL");

            Map<String, AtomicInteger> bySecond = new ConcurrentHashMap<>();
            try (Worker second = sluice.worker(spec).withoutLogging().on(TYPE, (e, d) ->
                    bySecond.computeIfAbsent(e.getId(), k -> new AtomicInteger()).incrementAndGet()).start()) {
                Set<String> killedSet = new HashSet<>(byKilled);
                Await.until("every event handled by one worker or the other", () -> {
                    Set<String> union = new HashSet<>(killedSet);
                    union.addAll(bySecond.keySet());
                    return union.containsAll(all);
                }, Duration.ofSeconds(60));
            }

            Map<String, Integer> times = new HashMap<>();
            byKilled.forEach(id -> times.merge(id, 1, Integer::sum));
            bySecond.forEach((id, n) -> times.merge(id, n.get(), Integer::sum));
            int duplicates = times.values().stream().mapToInt(n -> n - 1).sum();
            long again = byKilled.stream().filter(bySecond::containsKey).distinct().count();
            System.err.println("KAFKA KILL (" + mode + "): the second worker handled " + bySecond.size() + "; " + duplicates
                    + " duplicate handlings (" + again + " events handled by the killed worker but not settled before the"
                    + " kill); lost: 0 of " + EVENTS);
            assertThat(times.keySet()).as("every event handled").containsExactlyInAnyOrderElementsOf(all);
            assertThat(sluice.deadLetters(spec).peek(10)).as("dead letters").isEmpty();
        }
    }

    private static List<String> lines(Path file) {
        try {
            if (!Files.exists(file)) return List.of();
            List<String> out = new ArrayList<>();
            for (String l : Files.readAllLines(file)) if (!l.isBlank()) out.add(l.trim());
            return out;
        } catch (IOException e) {
            return List.of();
        }
    }
}
