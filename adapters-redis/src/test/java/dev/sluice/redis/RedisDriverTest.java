package dev.sluice.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.ConfigurationException;
import dev.sluice.QueueSpec;
import dev.sluice.core.Sluice;
import dev.sluice.spi.InboundMessage;
import dev.sluice.spi.OutboundMessage;
import dev.sluice.spi.QueueDriver;
import dev.sluice.spi.SendResult;
import dev.sluice.testkit.Await;
import io.lettuce.core.AclSetuserArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The driver against the real Redis: credentials, a consumer that dies, and the delayed-set mover under contention. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisDriverTest {
    private static final String PREFIX = RedisServer.freshPrefix("driver");
    private static final String USER = PREFIX + "user";
    private static final String PASSWORD = "right-" + PREFIX;
    private static final String WRONG = "wrong-" + PREFIX;

    @BeforeAll
    static void redis() {
        RedisServer.require();
        RedisClient client = RedisClient.create("redis://" + RedisServer.HOST + ":" + RedisServer.PORT);
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            c.sync().aclSetuser(USER, AclSetuserArgs.Builder.on().addPassword(PASSWORD).allKeys().allCommands().allChannels());
        } finally {
            client.shutdown();
        }
    }

    @AfterAll
    static void cleanUp() {
        RedisClient client = RedisClient.create("redis://" + RedisServer.HOST + ":" + RedisServer.PORT);
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            c.sync().aclDeluser(USER);
        } finally {
            client.shutdown();
        }
        RedisServer.deleteKeys(PREFIX);
    }

    private static String uri(String user, String password, String queue) {
        return "redis://" + user + ":" + password + "@" + RedisServer.HOST + ":" + RedisServer.PORT + "/" + PREFIX + queue;
    }

    @Test
    void aWrongPasswordIsAClearStartUpErrorNamingTheUserAndNeverThePassword() {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try (Sluice sluice = Sluice.create()) {
            QueueSpec spec = QueueSpec.builder(uri(USER, WRONG, "auth")).build();
            assertThatThrownBy(() -> sluice.worker(spec).on("t", (e, d) -> { }).start().close())
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("refused the credentials of user '" + USER + "'")
                    .hasMessageContaining(RedisServer.HOST + ":" + RedisServer.PORT)
                    .satisfies(e -> assertThat(stackTrace(e)).doesNotContain(WRONG));
        } finally {
            System.setErr(err);
        }
        assertThat(captured.toString(StandardCharsets.UTF_8)).as("what was logged").doesNotContain(WRONG);
    }

    @Test
    void theRightPasswordWorks() throws Exception {
        try (Sluice sluice = Sluice.create()) {
            QueueSpec spec = QueueSpec.builder(uri(USER, PASSWORD, "auth-ok")).build();
            QueueDriver driver = sluice.open(spec).driver();
            assertThat(driver.send(List.of(message("hello"))).get(0).succeeded()).isTrue();
            InboundMessage m = receiveWithin(driver, Duration.ofSeconds(10));
            assertThat(new String(m.body(), StandardCharsets.UTF_8)).isEqualTo("hello");
            assertThat(driver.ack(List.of(m))).isEmpty();
        }
    }

    @Test
    void aMessageWhoseConsumerDiedIsClaimedAgainAfterItsLeaseWithAttemptTwo() throws Exception {
        QueueSpec spec = QueueSpec.builder(RedisServer.uri(PREFIX + "died")).lease(Duration.ofSeconds(1)).build();
        try (Sluice dying = Sluice.create(); Sluice survivor = Sluice.create()) {
            QueueDriver first = dying.open(spec).driver();
            assertThat(first.send(List.of(message("work"))).get(0).succeeded()).isTrue();
            InboundMessage taken = receiveWithin(first, Duration.ofSeconds(10));
            assertThat(taken.attempt()).hasValue(1);
            first.close(); // its consumer dies holding the message: no ack, no nack

            QueueDriver second = survivor.open(spec).driver();
            InboundMessage again = receiveWithin(second, Duration.ofSeconds(15));

            assertThat(again.messageId()).isEqualTo(taken.messageId());
            assertThat(again.attempt()).hasValue(2);
            assertThat(second.ack(List.of(taken))).as("an ack with the dead consumer's handle").hasSize(1);
            assertThat(second.ack(List.of(again))).isEmpty();
            assertThat(second.receive(10, Duration.ZERO)).isEmpty();
        }
    }

    @Test
    void theDelayedSetMoverNeverLosesOrDoublesAMessageWhenTwoWorkersRunItAtOnce() throws Exception {
        int n = 600;
        QueueSpec spec = QueueSpec.builder(RedisServer.uri(PREFIX + "mover")).lease(Duration.ofSeconds(60)).build();
        try (Sluice a = Sluice.create(); Sluice b = Sluice.create()) {
            QueueDriver one = a.open(spec).driver();
            QueueDriver two = b.open(spec).driver();
            for (int from = 0; from < n; from += 100) {
                List<OutboundMessage> batch = new ArrayList<>();
                for (int i = from; i < from + 100; i++) {
                    batch.add(new OutboundMessage("m" + i, bytes("m" + i), Map.of(), null, null, Duration.ofMillis(500)));
                }
                assertThat(one.send(batch)).allSatisfy(r -> assertThat(r.succeeded()).as(String.valueOf(r.error())).isTrue());
            }
            List<String> received = new CopyOnWriteArrayList<>();
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            for (QueueDriver d : List.of(one, two, one, two)) {
                Thread t = new Thread(() -> {
                    try {
                        go.await();
                        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                        while (received.size() < n && System.nanoTime() < deadline) {
                            List<InboundMessage> got = d.receive(50, Duration.ofMillis(200));
                            got.forEach(m -> received.add(new String(m.body(), StandardCharsets.UTF_8)));
                            if (!got.isEmpty()) assertThat(d.ack(got)).isEmpty();
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                });
                threads.add(t);
                t.start();
            }
            go.countDown();
            for (Thread t : threads) t.join();

            assertThat(failures).isEmpty();
            Set<String> distinct = new HashSet<>(received);
            assertThat(received).as("deliveries (a duplicate would be a message moved twice)").hasSize(n);
            assertThat(distinct).as("distinct messages (one missing would be a message lost)").hasSize(n);
            assertThat(one.receive(10, Duration.ZERO)).isEmpty();
            RedisClient client = RedisClient.create("redis://" + RedisServer.HOST + ":" + RedisServer.PORT);
            try (StatefulRedisConnection<String, String> c = client.connect()) {
                assertThat(c.sync().zcard(PREFIX + "mover:sluice:delayed")).as("left in the delayed set").isZero();
                assertThat(c.sync().xlen(PREFIX + "mover")).as("left in the stream").isZero();
            } finally {
                client.shutdown();
            }
        }
    }

    @Test
    void aSendToAQueueNobodyCreatedFailsAsNotFoundAndCreatesNothing() {
        try (Sluice sluice = Sluice.create()) {
            QueueDriver driver = sluice.driver(java.net.URI.create(RedisServer.uri(PREFIX + "nobody")));
            List<SendResult> results = driver.send(List.of(message("a"),
                    new OutboundMessage("b", bytes("b"), Map.of(), null, "dedup-b", Duration.ZERO)));
            assertThat(results).allSatisfy(r -> assertThat(r.error().code()).isEqualTo(dev.sluice.ErrorCode.NOT_FOUND));
            assertThat(results.get(0).error().message()).contains(PREFIX + "nobody").contains("Redis Streams");
        }
    }

    @Test
    void whatAnInterruptedReceiveStillBringsIsGivenBackAtOnceAndNotCounted() throws Exception {
        QueueSpec spec = QueueSpec.builder(RedisServer.uri(PREFIX + "abandoned")).lease(Duration.ofSeconds(60)).build();
        try (Sluice sluice = Sluice.create()) {
            QueueDriver driver = sluice.open(spec).driver();
            CountDownLatch receiving = new CountDownLatch(1);
            List<Throwable> thrown = new CopyOnWriteArrayList<>();
            Thread receiver = new Thread(() -> {
                receiving.countDown();
                try {
                    driver.receive(10, Duration.ofSeconds(20));
                } catch (Throwable e) {
                    thrown.add(e);
                }
            });
            receiver.start();
            receiving.await();
            RedisClient client = RedisClient.create("redis://" + RedisServer.HOST + ":" + RedisServer.PORT);
            try (StatefulRedisConnection<String, String> c = client.connect()) {
                Await.until("a blocking XREADGROUP waiting", () -> c.sync().clientList().lines()
                        .anyMatch(l -> l.contains("cmd=xreadgroup") && l.matches(".* flags=[A-Za-z]*b[A-Za-z]* .*")));
            } finally {
                client.shutdown();
            }
            receiver.interrupt();
            receiver.join(5000);
            // sent while the abandoned blocking read may still be waiting: it takes the message, or a later read does
            assertThat(driver.send(List.of(message("abandoned"))).get(0).succeeded()).isTrue();

            InboundMessage m = receiveWithin(driver, Duration.ofSeconds(10)); // far within the 60 s lease
            assertThat(thrown).hasSize(1).first().isInstanceOf(InterruptedException.class);
            assertThat(new String(m.body(), StandardCharsets.UTF_8)).isEqualTo("abandoned");
            assertThat(m.attempt()).as("a delivery nobody saw is not an attempt").hasValue(1);
            assertThat(driver.ack(List.of(m))).isEmpty();
        }
    }

    @Test
    void verifyingReportsAMissingGroupAndAKeyThatIsNotAStreamAndAcceptsWhatExists() {
        RedisClient client = RedisClient.create("redis://" + RedisServer.HOST + ":" + RedisServer.PORT);
        try (StatefulRedisConnection<String, String> c = client.connect(); Sluice sluice = Sluice.create()) {
            c.sync().set(PREFIX + "not-a-stream", "x");
            c.sync().xadd(PREFIX + "no-group", Map.of("k", "v"));
            QueueSpec created = QueueSpec.builder(RedisServer.uri(PREFIX + "verified")).build();
            QueueDriver driver = sluice.driver(created.uri());
            assertThat(driver.provision(created, driver.defaultDeadLetterUri())).as("creating").isEmpty();
            assertThat(driver.provision(created, driver.defaultDeadLetterUri())).as("creating again").isEmpty();

            for (String name : List.of("verified", "no-group", "not-a-stream")) {
                QueueSpec spec = QueueSpec.builder(RedisServer.uri(PREFIX + name)).provisioning(QueueSpec.Provisioning.VERIFY)
                        .deadLetterQueue(RedisServer.uri(PREFIX + "verified-dlq")).build();
                QueueDriver d = sluice.driver(spec.uri());
                List<String> mismatches = d.provision(spec, spec.deadLetterUri());
                switch (name) {
                    case "verified" -> assertThat(mismatches).as(name).isEmpty();
                    case "no-group" -> assertThat(mismatches).as(name).singleElement().asString()
                            .contains("does not exist").contains("XGROUP CREATE " + PREFIX + "no-group sluice 0 MKSTREAM");
                    default -> assertThat(mismatches).as(name).singleElement().asString().contains("is a string, not a stream");
                }
            }
        } finally {
            client.shutdown();
        }
    }

    @Test
    void aWorkerResumesByItselfAfterItsConnectionsAreKilledAndTheScriptCacheIsFlushed() throws Exception {
        QueueSpec spec = QueueSpec.builder(RedisServer.uri(PREFIX + "recovery")).lease(Duration.ofSeconds(5)).build();
        Set<String> handled = java.util.concurrent.ConcurrentHashMap.newKeySet();
        RedisClient client = RedisClient.create("redis://" + RedisServer.HOST + ":" + RedisServer.PORT);
        try (StatefulRedisConnection<String, String> admin = client.connect(); Sluice sluice = Sluice.create();
             dev.sluice.worker.Worker worker = sluice.worker(spec).withoutLogging()
                     .on("recovery", (e, d) -> handled.add(e.getId())).start()) {
            dev.sluice.Publisher publisher = sluice.publisher(spec.uri());
            for (int i = 0; i < 20; i++) publisher.publish(event("before-" + i)).get(10, TimeUnit.SECONDS);
            Await.until("the first 20 handled", () -> handled.size() == 20);

            admin.sync().scriptFlush();
            long killed = admin.sync().clientKill(io.lettuce.core.KillArgs.Builder.typeNormal().skipme());
            assertThat(killed).as("connections killed").isPositive();

            for (int i = 0; i < 20; i++) publisher.publish(event("after-" + i)).get(30, TimeUnit.SECONDS);
            Await.until("the 20 published after the kill handled", () -> handled.size() == 40, Duration.ofSeconds(45));
        } finally {
            client.shutdown();
        }
    }

    private static io.cloudevents.CloudEvent event(String id) {
        return io.cloudevents.core.builder.CloudEventBuilder.v1().withId(id).withSource(java.net.URI.create("/recovery"))
                .withType("recovery").build();
    }

    private static String stackTrace(Throwable e) {
        java.io.StringWriter w = new java.io.StringWriter();
        e.printStackTrace(new java.io.PrintWriter(w));
        return w.toString();
    }

    private static OutboundMessage message(String body) {
        return new OutboundMessage(body, bytes(body), Map.of("k", "v"), null, null, Duration.ZERO);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static InboundMessage receiveWithin(QueueDriver driver, Duration bound) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (System.nanoTime() < deadline) {
            List<InboundMessage> got = driver.receive(1, Duration.ofSeconds(1));
            if (!got.isEmpty()) return got.get(0);
        }
        throw new AssertionError("nothing arrived on " + driver.uri() + " within " + bound);
    }

}
