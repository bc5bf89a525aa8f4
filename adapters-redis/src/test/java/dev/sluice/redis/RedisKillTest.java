package dev.sluice.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.OutgoingEvent;
import dev.sluice.PublishOptions;
import dev.sluice.QueueSpec;
import dev.sluice.core.Sluice;
import dev.sluice.testkit.Await;
import dev.sluice.testkit.KillTestWorker;
import dev.sluice.worker.Worker;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker process killed with SIGKILL mid-run: what it held comes back when its 2 s leases end, and a second
 * worker finishes the queue. Nothing is lost; events the first handled but had not acked yet are handled again
 * (at-least-once), and the test counts and prints them.
 */
class RedisKillTest {
    private static final String TYPE = KillTestWorker.TYPE;
    private static final int EVENTS = 1500;
    private static final String PREFIX = RedisServer.freshPrefix("kill");

    @TempDir
    Path dir;

    @BeforeAll
    static void redis() {
        RedisServer.require();
    }

    @AfterAll
    static void cleanUp() {
        RedisServer.deleteKeys(PREFIX);
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void aSecondWorkerFinishesTheQueueOfAWorkerKilledMidRunAndNothingIsLost() throws Exception {
        String uri = RedisServer.uri(PREFIX + "queue");
        QueueSpec spec = KillTestWorker.spec(uri, Duration.ofSeconds(2));
        Path handledFile = dir.resolve("handled-by-the-killed-worker.txt");
        Path log = dir.resolve("killed-worker.log");
        Set<String> all = new HashSet<>();
        try (Sluice sluice = Sluice.create()) {
            sluice.open(spec); // creates the stream and the group
            List<OutgoingEvent> events = new ArrayList<>();
            for (int i = 0; i < EVENTS; i++) {
                all.add("k-" + i);
                events.add(new OutgoingEvent(CloudEventBuilder.v1().withId("k-" + i).withSource(URI.create("/kill"))
                        .withType(TYPE).build(), PublishOptions.NONE));
            }
            sluice.publisher(uri).publishAll(events).get(60, TimeUnit.SECONDS);

            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            Process p = new ProcessBuilder(List.of(java, "-cp", cp, KillTestWorker.class.getName(), uri, handledFile.toString()))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                Await.until("the worker process has handled 300 events", () -> lines(handledFile).size() >= 300,
                        Duration.ofSeconds(45));
                p.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no drain, no acks flushed
                assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
            } finally {
                p.destroyForcibly();
            }
            assertThat(p.exitValue()).as("killed by SIGKILL (128 + 9)").isEqualTo(137);
            List<String> byKilled = lines(handledFile);
            System.err.println("REDIS KILL: the worker process handled " + byKilled.size() + " of " + EVENTS
                    + " events before SIGKILL");

            Map<String, AtomicInteger> bySecond = new ConcurrentHashMap<>();
            try (Worker second = sluice.worker(spec).withoutLogging().on(TYPE, (e, d) ->
                    bySecond.computeIfAbsent(e.getId(), k -> new AtomicInteger()).incrementAndGet()).start()) {
                Set<String> killedSet = new HashSet<>(byKilled);
                RedisClient client = RedisClient.create("redis://" + RedisServer.HOST + ":" + RedisServer.PORT);
                try (StatefulRedisConnection<String, String> redis = client.connect()) {
                    // the stream is empty once every entry was acked (XACK + XDEL), the killed worker's included
                    Await.until("every event handled by one worker or the other, and acked", () -> {
                        Set<String> union = new HashSet<>(killedSet);
                        union.addAll(bySecond.keySet());
                        return union.containsAll(all) && redis.sync().xlen(PREFIX + "queue") == 0;
                    }, Duration.ofSeconds(45));
                } finally {
                    client.shutdown();
                }
            }

            Map<String, Integer> times = new HashMap<>();
            byKilled.forEach(id -> times.merge(id, 1, Integer::sum));
            bySecond.forEach((id, n) -> times.merge(id, n.get(), Integer::sum));
            int duplicates = times.values().stream().mapToInt(n -> n - 1).sum();
            long again = byKilled.stream().filter(bySecond::containsKey).distinct().count();
            System.err.println("REDIS KILL: the second worker handled " + bySecond.size() + "; " + duplicates
                    + " duplicate handlings (" + again + " events handled by the killed worker but not acked before the kill);"
                    + " lost: 0 of " + EVENTS);
            assertThat(times.keySet()).as("every event handled").containsExactlyInAnyOrderElementsOf(all);
            assertThat(sluice.deadLetters(spec).peek(10)).as("dead letters").isEmpty();
            assertThat(sluice.driver(URI.create(uri)).receive(10, Duration.ZERO)).as("left on the queue").isEmpty();
        }
    }

    private static List<String> lines(Path file) {
        try {
            if (!Files.exists(file)) return List.of();
            List<String> out = new ArrayList<>();
            for (String l : Files.readAllLines(file)) if (!l.isBlank()) out.add(l.trim());
            // a line cut by the kill is the start of an id that was not fully written
            return out;
        } catch (IOException e) {
            return List.of();
        }
    }
}
