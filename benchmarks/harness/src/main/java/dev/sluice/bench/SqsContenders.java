package dev.sluice.bench;

import dev.sluice.QueueSpec;
import dev.sluice.core.Sluice;
import dev.sluice.sqs.SqsDriverProvider;
import dev.sluice.worker.Worker;
import io.awspring.cloud.sqs.annotation.SqsListener;
import io.awspring.cloud.sqs.config.SqsBootstrapConfiguration;
import io.awspring.cloud.sqs.config.SqsMessageListenerContainerFactory;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.MapPropertySource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;

/** The four SQS consumers compared on ElasticMQ. Each handles every message with {@link Work#handle()}. */
final class SqsContenders {
    private SqsContenders() {
    }

    /** Where the queue is. */
    record Target(URI endpoint, String queueName, String queueUrl, int concurrency) {
    }

    interface Contender {
        String name();

        AutoCloseable start(Target target, Work work) throws Exception;
    }

    static List<Contender> all() {
        return Boolean.getBoolean("bench.sqs.experiment")
                ? List.of(new SluiceWorker(), new WellWrittenLoop(), new WellWrittenLoop(false), new SpringCloudAws())
                : List.of(new SluiceWorker(), new WellWrittenLoop(), new NaiveLoop(), new SpringCloudAws());
    }

    /** An SDK client as every contender gets it: Netty, static credentials, the local endpoint. */
    static SqsAsyncClient client(URI endpoint, int maxConcurrency) {
        return SqsAsyncClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench")))
                .httpClientBuilder(NettyNioAsyncHttpClient.builder().maxConcurrency(maxConcurrency))
                .overrideConfiguration(o -> o.addExecutionInterceptor(SqsCalls.forwarding()))
                .build();
    }

    /** What a hand-written handler reads before its work: the CloudEvent type attribute and the body. */
    static void consume(Message m, Work work) {
        MessageAttributeValue type = m.messageAttributes().get("ce-type");
        if (type == null || !BenchEvents.TYPE.equals(type.stringValue()) || m.body().isEmpty()) {
            throw new IllegalStateException("not a benchmark event: " + m.messageId());
        }
        work.handle();
    }

    // ---- Sluice ---------------------------------------------------------------------------------

    static final class SluiceWorker implements Contender {
        @Override
        public String name() {
            return "Sluice Worker";
        }

        @Override
        public AutoCloseable start(Target t, Work work) {
            Sluice sluice = Sluice.builder()
                    .driver(new SqsDriverProvider(b -> b.overrideConfiguration(
                            b.overrideConfiguration().toBuilder().addExecutionInterceptor(SqsCalls.forwarding()).build())))
                    .build();
            QueueSpec spec = QueueSpec.builder("sqs://" + t.queueName() + "?region=us-east-1&endpoint=" + t.endpoint())
                    .concurrency(t.concurrency())
                    .lease(Duration.ofSeconds(60))
                    .provisioning(QueueSpec.Provisioning.NONE)
                    .build();
            Worker worker = sluice.worker(spec)
                    .on(BenchEvents.TYPE, (event, delivery) -> work.handle())
                    .withoutLogging()
                    .start();
            return () -> {
                worker.close();
                sluice.close();
            };
        }
    }

    // ---- the well-written SDK loop ----------------------------------------------------------------

    /**
     * What a careful engineer writes on the async SDK: concurrency/10 receivers, each long-polling for as many
     * messages (up to 10) as there are free handler slots, handing them to a pool of {@code concurrency}
     * threads, and deleting each received batch with one DeleteMessageBatch when its last message is done.
     */
    static final class WellWrittenLoop implements Contender {
        private final boolean fullBatches;

        WellWrittenLoop() {
            this(true);
        }

        WellWrittenLoop(boolean fullBatches) {
            this.fullBatches = fullBatches;
        }

        @Override
        public String name() {
            return fullBatches ? "SDK loop, well written" : "SDK loop, receives as slots free";
        }

        @Override
        public AutoCloseable start(Target t, Work work) {
            SqsAsyncClient client = client(t.endpoint(), 50);
            ExecutorService handlers = Executors.newFixedThreadPool(t.concurrency(), daemon("loop-handler"));
            Semaphore slots = new Semaphore(t.concurrency());
            int batch = Math.min(10, t.concurrency());
            int receivers = Math.max(1, (t.concurrency() + 9) / 10);
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < receivers; i++) {
                Thread th = daemon("loop-receive").newThread(() -> {
                    while (!Thread.currentThread().isInterrupted()) {
                        int n = batch;
                        try {
                            if (fullBatches) {
                                slots.acquire(n);
                            } else {
                                slots.acquire();
                                n = 1;
                                while (n < batch && slots.tryAcquire()) n++;
                            }
                        } catch (InterruptedException e) {
                            return;
                        }
                        int want = n;
                        ReceiveMessageResponse r;
                        try {
                            r = client.receiveMessage(b -> b.queueUrl(t.queueUrl()).maxNumberOfMessages(want)
                                    .waitTimeSeconds(20).messageAttributeNames("All")).get();
                        } catch (InterruptedException e) {
                            return;
                        } catch (Exception e) {
                            slots.release(want);
                            continue;
                        }
                        List<Message> got = r.messages();
                        slots.release(want - got.size());
                        if (got.isEmpty()) continue;
                        AtomicInteger left = new AtomicInteger(got.size());
                        for (Message m : got) {
                            handlers.execute(() -> {
                                try {
                                    consume(m, work);
                                } finally {
                                    slots.release();
                                    if (left.decrementAndGet() == 0) delete(client, t.queueUrl(), got);
                                }
                            });
                        }
                    }
                });
                threads.add(th);
                th.start();
            }
            return () -> {
                threads.forEach(Thread::interrupt);
                handlers.shutdown();
                handlers.awaitTermination(10, TimeUnit.SECONDS);
                Thread.sleep(300);
                client.close();
            };
        }

        private static void delete(SqsAsyncClient client, String url, List<Message> batch) {
            List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>(batch.size());
            for (int i = 0; i < batch.size(); i++) {
                entries.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(i))
                        .receiptHandle(batch.get(i).receiptHandle()).build());
            }
            client.deleteMessageBatch(b -> b.queueUrl(url).entries(entries));
        }
    }

    // ---- the naive loop ---------------------------------------------------------------------------

    /** {@code concurrency} threads, each: receive one message, handle it, delete it; repeat. */
    static final class NaiveLoop implements Contender {
        @Override
        public String name() {
            return "SDK loop, naive";
        }

        @Override
        public AutoCloseable start(Target t, Work work) {
            SqsAsyncClient client = client(t.endpoint(), 50);
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < t.concurrency(); i++) {
                Thread th = daemon("naive").newThread(() -> {
                    while (!Thread.currentThread().isInterrupted()) {
                        try {
                            List<Message> got = client.receiveMessage(b -> b.queueUrl(t.queueUrl()).maxNumberOfMessages(1)
                                    .waitTimeSeconds(20).messageAttributeNames("All")).get().messages();
                            for (Message m : got) {
                                consume(m, work);
                                client.deleteMessage(b -> b.queueUrl(t.queueUrl()).receiptHandle(m.receiptHandle())).get();
                            }
                        } catch (InterruptedException e) {
                            return;
                        } catch (Exception e) {
                            // next message
                        }
                    }
                });
                threads.add(th);
                th.start();
            }
            return () -> {
                threads.forEach(Thread::interrupt);
                for (Thread th : threads) th.join(5_000);
                client.close();
            };
        }
    }

    // ---- Spring Cloud AWS -------------------------------------------------------------------------

    /**
     * {@code @SqsListener} in a plain Spring context (what Spring Boot's auto-configuration sets up): the
     * container factory with {@code maxConcurrentMessages} = the concurrency, {@code maxMessagesPerPoll} = 10,
     * the rest (batched acknowledgement every second or 10 messages, back-pressure mode) left at the defaults.
     */
    static final class SpringCloudAws implements Contender {
        static volatile Work current;

        @Override
        public String name() {
            return "Spring Cloud AWS @SqsListener";
        }

        @Override
        public AutoCloseable start(Target t, Work work) {
            current = work;
            AnnotationConfigApplicationContext ctx = new AnnotationConfigApplicationContext();
            ctx.getEnvironment().getPropertySources().addFirst(new MapPropertySource("bench", Map.of(
                    "bench.queue", t.queueName(),
                    "bench.endpoint", t.endpoint().toString(),
                    "bench.concurrency", Integer.toString(t.concurrency()))));
            ctx.register(SpringConfig.class, SpringListener.class);
            ctx.refresh();
            return ctx::close;
        }
    }

    @Configuration
    @Import(SqsBootstrapConfiguration.class)
    static class SpringConfig {
        @Bean
        SqsAsyncClient sqsAsyncClient(org.springframework.core.env.Environment env) {
            return client(URI.create(env.getRequiredProperty("bench.endpoint")), 50);
        }

        @Bean
        SqsMessageListenerContainerFactory<Object> defaultSqsListenerContainerFactory(SqsAsyncClient client,
                org.springframework.core.env.Environment env) {
            int concurrency = Integer.parseInt(env.getRequiredProperty("bench.concurrency"));
            return SqsMessageListenerContainerFactory.builder()
                    .sqsAsyncClient(client)
                    .configure(o -> o.maxConcurrentMessages(concurrency).maxMessagesPerPoll(10)
                            .pollTimeout(Duration.ofSeconds(20))
                            // shutdown only: do not wait 20 s for the poll under way when the run is over
                            .listenerShutdownTimeout(Duration.ofSeconds(1)))
                    .build();
        }
    }

    static class SpringListener {
        @SqsListener("${bench.queue}")
        public void on(org.springframework.messaging.Message<String> message) {
            if (message.getPayload().isEmpty()) throw new IllegalStateException("not a benchmark event");
            SpringCloudAws.current.handle();
        }
    }

    static java.util.concurrent.ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
