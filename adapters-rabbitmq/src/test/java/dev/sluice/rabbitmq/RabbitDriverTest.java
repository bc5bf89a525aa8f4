package dev.sluice.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import dev.sluice.ErrorCode;
import dev.sluice.PublishOptions;
import dev.sluice.PublishResult;
import dev.sluice.QueueSpec;
import dev.sluice.core.Sluice;
import dev.sluice.SluiceException;
import dev.sluice.spi.AckFailure;
import dev.sluice.spi.InboundMessage;
import dev.sluice.spi.QueueDriver;
import dev.sluice.testkit.Await;
import dev.sluice.worker.Worker;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/** The driver against the real RabbitMQ: the CloudEvents AMQP wire format, login errors, lost consumers, stale acks. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RabbitDriverTest {
    private RabbitBroker broker;

    @BeforeAll
    void start() {
        broker = RabbitBroker.start("driver");
    }

    @AfterAll
    void stop() {
        if (broker != null) broker.close();
    }

    private static CloudEvent event(String id) {
        return CloudEventBuilder.v1().withId(id).withSource(URI.create("/orders/eu")).withType("order.placed")
                .withSubject("order-42").withTime(OffsetDateTime.of(2026, 11, 28, 17, 0, 0, 0, ZoneOffset.UTC))
                .withExtension("tenant", "acme").withDataContentType("application/json")
                .withData("{\"total\":42}".getBytes(StandardCharsets.UTF_8)).build();
    }

    private GetResponse getOne(String queue) throws Exception {
        try (Connection raw = broker.rawConnection(); Channel ch = raw.createChannel()) {
            AtomicReference<GetResponse> got = new AtomicReference<>();
            Await.until("a message on " + queue, () -> {
                try {
                    got.set(ch.basicGet(queue, true));
                } catch (java.io.IOException e) {
                    throw new AssertionError(e);
                }
                return got.get() != null;
            });
            return got.get();
        }
    }

    @Test
    void binaryModeFollowsTheCloudEventsAmqpBinding() throws Exception {
        QueueSpec spec = QueueSpec.of(broker.uri("binary"));
        try (Sluice sluice = Sluice.create()) {
            sluice.open(spec);
            PublishResult sent = sluice.publisher(spec.uri()).publish(event("ev-1")).get(10, TimeUnit.SECONDS);

            GetResponse m = getOne("binary");
            AMQP.BasicProperties p = m.getProps();
            Map<String, String> headers = new HashMap<>();
            p.getHeaders().forEach((k, v) -> headers.put(k, String.valueOf(v)));
            assertThat(headers).containsEntry("cloudEvents_specversion", "1.0").containsEntry("cloudEvents_id", "ev-1")
                    .containsEntry("cloudEvents_source", "/orders/eu").containsEntry("cloudEvents_type", "order.placed")
                    .containsEntry("cloudEvents_subject", "order-42").containsEntry("cloudEvents_time", "2026-11-28T17:00:00Z")
                    .containsEntry("cloudEvents_tenant", "acme");
            assertThat(headers.keySet()).as("no other prefix (but the broker's x-), and datacontenttype only as the AMQP"
                    + " content-type").allSatisfy(k -> assertThat(k).matches("cloudEvents_.*|x-.*"))
                    .doesNotContain("cloudEvents_datacontenttype");
            assertThat(p.getContentType()).isEqualTo("application/json");
            assertThat(new String(m.getBody(), StandardCharsets.UTF_8)).isEqualTo("{\"total\":42}");
            assertThat(p.getDeliveryMode()).as("persistent").isEqualTo(2);
            assertThat(p.getMessageId()).as("the broker message id Sluice reported").isEqualTo(sent.messageId());
        }
    }

    @Test
    void structuredModeCarriesTheWholeEventAsJson() throws Exception {
        QueueSpec spec = QueueSpec.of(broker.uri("structured"));
        // an integer extension only the JSON format keeps: the codec falls back to structured mode
        CloudEvent e = CloudEventBuilder.v1(event("ev-2")).withExtension("priority", 7).build();
        try (Sluice sluice = Sluice.create()) {
            sluice.open(spec);
            sluice.publisher(spec.uri()).publish(e).get(10, TimeUnit.SECONDS);

            GetResponse m = getOne("structured");
            assertThat(m.getProps().getContentType()).startsWith("application/cloudevents+json");
            assertThat(m.getProps().getHeaders() == null ? Map.of() : m.getProps().getHeaders())
                    .as("no CloudEvents headers in structured mode (the broker adds its x-delivery-count)")
                    .allSatisfy((k, v) -> assertThat(k).startsWith("x-"));
            String json = new String(m.getBody(), StandardCharsets.UTF_8);
            assertThat(json).contains("\"specversion\":\"1.0\"").contains("\"id\":\"ev-2\"").contains("\"priority\":7")
                    .contains("\"datacontenttype\":\"application/json\"");
        }
    }

    @Test
    void aBinaryMessageWithTheAmqp10PrefixOrFromAnotherProducerIsRead() throws Exception {
        QueueSpec spec = QueueSpec.of(broker.uri("colon-prefix"));
        try (Sluice sluice = Sluice.create()) {
            sluice.open(spec);
            Map<String, Object> headers = Map.of("cloudEvents:specversion", "1.0", "cloudEvents:id", "ev-3",
                    "cloudEvents:source", "/elsewhere", "cloudEvents:type", "order.placed", "cloudEvents:tenant", "globex");
            try (Connection raw = broker.rawConnection(); Channel ch = raw.createChannel()) {
                ch.basicPublish("", "colon-prefix", new AMQP.BasicProperties.Builder().contentType("text/plain")
                        .headers(headers).build(), "hello".getBytes(StandardCharsets.UTF_8));
            }
            AtomicReference<CloudEvent> got = new AtomicReference<>();
            AtomicReference<Integer> attempt = new AtomicReference<>();
            CountDownLatch handled = new CountDownLatch(1);
            try (Worker worker = sluice.worker(spec).withoutLogging().on("order.placed", (ev, d) -> {
                got.set(ev);
                attempt.set(d.attempt().orElse(-1));
                handled.countDown();
            }).start()) {
                assertThat(handled.await(20, TimeUnit.SECONDS)).isTrue();
            }
            assertThat(got.get().getId()).isEqualTo("ev-3");
            assertThat(got.get().getSource()).isEqualTo(URI.create("/elsewhere"));
            assertThat(got.get().getExtension("tenant")).isEqualTo("globex");
            assertThat(got.get().getDataContentType()).isEqualTo("text/plain");
            assertThat(new String(got.get().getData().toBytes(), StandardCharsets.UTF_8)).isEqualTo("hello");
            assertThat(attempt.get()).isEqualTo(1);
        }
    }

    @Test
    void aWrongPasswordIsAClearStartUpErrorNamingTheUserAndNeverThePassword() {
        String secret = "Wr0ng-S3cret";
        String uri = "amqp://guest:" + secret + "@127.0.0.1:5672/" + broker.vhost + "/login";
        try (Sluice sluice = Sluice.create()) {
            assertThatThrownBy(() -> sluice.worker(QueueSpec.of(uri)).on("x", (e, d) -> { }).start())
                    .isInstanceOf(SluiceException.class)
                    .satisfies(e -> assertThat(((SluiceException) e).code()).isEqualTo(ErrorCode.PERMISSION_DENIED))
                    .hasMessageContaining("refused the login of user 'guest'")
                    .hasMessageContaining("127.0.0.1:5672")
                    .satisfies(e -> {
                        for (Throwable t = e; t != null; t = t.getCause()) {
                            assertThat(String.valueOf(t.getMessage())).as("message of " + t.getClass()).doesNotContain(secret);
                            assertThat(t.toString()).doesNotContain(secret);
                        }
                    });
            assertThat(sluice.driver(URI.create(uri)).uri().toString()).doesNotContain(secret);
        }
    }

    @Test
    void aConsumerWhoseConnectionDiesMidHandlingHasItsMessageRedeliveredWithTheAttemptCounted() throws Exception {
        QueueSpec spec = QueueSpec.builder(broker.uri("dies")).lease(Duration.ofSeconds(60)).build();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        AtomicReference<Integer> secondAttempt = new AtomicReference<>();
        CountDownLatch handledElsewhere = new CountDownLatch(1);
        try (Sluice dying = Sluice.create(); Sluice survivor = Sluice.create()) {
            try (Worker first = dying.worker(spec).withoutLogging().shutdownTimeout(Duration.ofSeconds(1)).on("order.placed", (e, d) -> {
                started.countDown();
                never.await();
            }).start()) {
                dying.publisher(spec.uri()).publish(event("ev-4")).get(10, TimeUnit.SECONDS);
                assertThat(started.await(20, TimeUnit.SECONDS)).as("the first worker started the handler").isTrue();

                // the first worker's process loses its connection for good (abort: no recovery), mid-handling
                dying.driver(spec.uri()).unwrap(Connection.class).orElseThrow().abort();

                try (Worker second = survivor.worker(spec).withoutLogging().on("order.placed", (e, d) -> {
                    secondAttempt.set(d.attempt().orElse(-1));
                    handledElsewhere.countDown();
                }).start()) {
                    assertThat(handledElsewhere.await(30, TimeUnit.SECONDS)).as("redelivered to the second worker").isTrue();
                }
                never.countDown();
            }
        }
        assertThat(secondAttempt.get()).as("the broker counted the lost delivery").isEqualTo(2);
    }

    @Test
    void anAckAfterTheBrokerClosedTheConnectionIsReportedAndTheMessageComesBack() throws Exception {
        try (RabbitBroker own = RabbitBroker.start("recovery-ack"); Sluice sluice = Sluice.create()) {
            QueueSpec spec = QueueSpec.builder(own.uri("stale-after-recovery")).lease(Duration.ofSeconds(60)).build();
            QueueDriver driver = sluice.open(spec).driver();
            sluice.publisher(spec.uri()).publish(event("ev-5")).get(10, TimeUnit.SECONDS);
            InboundMessage before = receiveOne(driver);
            assertThat(before.attempt().getAsInt()).isEqualTo(1);

            own.closeAllConnections();
            InboundMessage after = receiveOne(driver); // the client reconnects by itself; the broker requeued the message

            assertThat(after.messageId()).isEqualTo(before.messageId());
            assertThat(after.attempt().getAsInt()).as("the lost delivery counts").isEqualTo(2);
            List<AckFailure> stale = driver.ack(List.of(before));
            assertThat(stale).hasSize(1);
            assertThat(stale.get(0).error().code()).isEqualTo(ErrorCode.NOT_FOUND);
            assertThat(stale.get(0).error().message()).contains("delivered again");
            assertThat(driver.ack(List.of(after))).isEmpty();
            assertThat(driver.receive(10, Duration.ofMillis(500))).isEmpty();
            // the publisher's channel recovered too
            assertThat(sluice.publisher(spec.uri()).publish(event("ev-6")).get(10, TimeUnit.SECONDS).messageId()).isNotNull();
        }
    }

    @Test
    void orderingKeysAndDeduplicationIdsAreRefusedNamingTheBroker() throws Exception {
        QueueSpec spec = QueueSpec.of(broker.uri("refusals"));
        try (Sluice sluice = Sluice.create()) {
            sluice.open(spec);
            assertThatThrownBy(() -> sluice.publisher(spec.uri()).publish(event("ev-7"), PublishOptions.orderingKey("k"))
                    .get(10, TimeUnit.SECONDS)).hasMessageContaining("RabbitMQ").hasMessageContaining("ordering");
            assertThatThrownBy(() -> sluice.worker(QueueSpec.builder(broker.uri("ordered")).ordering(true).build())
                    .on("x", (e, d) -> { }).start()).hasMessageContaining("RabbitMQ").hasMessageContaining("ordering");
        }
    }

    @Test
    void theBrokerMovesAMessageWhoseDeliveriesRanOutToTheDeadLetterQueueAsABackstop() throws Exception {
        int attempts = 2;
        QueueSpec spec = QueueSpec.builder(broker.uri("backstop")).maxDeliveryAttempts(attempts).lease(Duration.ofSeconds(60)).build();
        try (Sluice sluice = Sluice.create()) {
            QueueDriver driver = sluice.open(spec).driver();
            sluice.publisher(spec.uri()).publish(event("ev-8")).get(10, TimeUnit.SECONDS);
            int deliveries = 0;
            for (List<InboundMessage> got = driver.receive(1, Duration.ofSeconds(5)); !got.isEmpty();
                 got = driver.receive(1, Duration.ofSeconds(1))) {
                deliveries++;
                assertThat(got.get(0).attempt().getAsInt()).isEqualTo(deliveries);
                driver.nack(got.get(0), Duration.ZERO); // a return the quorum queue counts, as a lost channel is
                assertThat(deliveries).as("deliveries before the broker gave up").isLessThanOrEqualTo(attempts + 1);
            }
            GetResponse dead = getOne("backstop-dlq");
            assertThat(String.valueOf(dead.getProps().getHeaders().get("cloudEvents_id"))).isEqualTo("ev-8");
            assertThat(String.valueOf(dead.getProps().getHeaders().get("x-first-death-reason"))).isEqualTo("delivery_limit");
            System.err.println("BACKSTOP x-delivery-limit " + attempts + ": delivered " + deliveries + " times, then moved to the DLQ");
        }
    }

    /** Receives one message, riding out a connection that is recovering. */
    private static InboundMessage receiveOne(QueueDriver driver) {
        AtomicReference<InboundMessage> got = new AtomicReference<>();
        Await.until("a message from " + driver.uri(), () -> {
            try {
                List<InboundMessage> m = driver.receive(1, Duration.ofMillis(200));
                if (!m.isEmpty()) got.set(m.get(0));
            } catch (SluiceException e) {
                if (e.code() != ErrorCode.UNAVAILABLE) throw e; // recovering
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            return got.get() != null;
        });
        return got.get();
    }
}
