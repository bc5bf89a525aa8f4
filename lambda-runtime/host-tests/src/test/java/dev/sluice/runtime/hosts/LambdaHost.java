package dev.sluice.runtime.hosts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.core.Sluice;
import dev.sluice.runtime.brokers.ElasticMq;
import dev.sluice.runtime.lambda.SqsLambdaHandler;
import dev.sluice.runtime.testapp.SqsEvents;
import dev.sluice.testkit.Await;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * The Lambda host on an SQS queue on ElasticMQ: messages received from ElasticMQ as Lambda's poller receives
 * them, turned into the SQS event Lambda sends (real receipt handles and receive counts), passed to
 * {@link SqsLambdaHandler#handleRequest} (or, with an {@link Invoker}, to the handler under the real Runtime
 * Interface Client in a child JVM); the records not reported in {@code batchItemFailures} are deleted, as Lambda
 * deletes them.
 */
final class LambdaHost extends RuntimeHost {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Invokes the function with an event and returns its response. */
    interface Invoker {
        String invoke(String event) throws Exception;
    }

    private final ElasticMq sqs;
    private final SqsView view;
    private Invoker invoker;
    private boolean inProcess;
    private String url;

    LambdaHost(ElasticMq sqs) {
        this.sqs = sqs;
        this.view = new SqsView(sqs);
    }

    /** Invokes through {@code invoker} instead of an in-process {@link SqsLambdaHandler}. */
    void invoker(Invoker invoker) {
        this.invoker = invoker;
    }

    @Override
    public String name() {
        return "Lambda";
    }

    @Override
    protected String uri(String name, boolean ordered) {
        return sqs.uri(ordered ? name + ".fifo" : name);
    }

    @Override
    protected Sluice.Builder drivers(Sluice.Builder builder) {
        return builder.driver(log.wrap(ElasticMq.provider()));
    }

    @Override
    protected void started() {
        url = view.url(spec.uri());
        if (invoker == null || inProcess) {
            SqsLambdaHandler handler = new SqsLambdaHandler(runtime);
            inProcess = true;
            invoker = event -> {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, null);
                return out.toString(StandardCharsets.UTF_8);
            };
        }
    }

    /** The variables the child JVM needs besides the queue's: credentials for ElasticMQ. */
    Map<String, String> env() {
        Map<String, String> env = RuntimeHost.env(setup, spec.uri().toString(), null);
        env.put("SLUICE_MODULES", ContractModule.class.getName());
        env.put("AWS_ACCESS_KEY_ID", "test");
        env.put("AWS_SECRET_ACCESS_KEY", "test");
        return env;
    }

    /** Receives until every wanted message is in hand, releasing the others at once. */
    private List<Message> receive(List<Sent> wanted) {
        Set<String> ids = wanted.stream().map(Sent::messageId).collect(Collectors.toSet());
        Map<String, Message> got = new LinkedHashMap<>();
        Await.until("messages " + wanted.stream().map(Sent::eventId).toList() + " received from SQS", () -> {
            for (Message m : view.receive(url)) {
                if (ids.contains(m.messageId())) got.put(m.messageId(), m);
                else view.release(url, m);
            }
            if (got.keySet().containsAll(ids)) return true;
            for (Sent s : wanted) {
                if (!got.containsKey(s.messageId())) view.checkNotMovedByBroker(deadLetterUri, log, s);
            }
            return false;
        });
        return new ArrayList<>(got.values());
    }

    @Override
    public Result deliver(Sent m) throws Exception {
        return deliverBatch(List.of(m)).get(0);
    }

    @Override
    public List<Result> deliverBatch(List<Sent> batch) throws Exception {
        List<Message> received = receive(batch);
        SqsEvents event = SqsEvents.from(spec.uri().getAuthority());
        for (Message m : received) {
            Map<String, String> attributes = new HashMap<>();
            m.messageAttributes().forEach((k, v) -> attributes.put(k, v.stringValue()));
            event.raw(m.messageId(), m.receiptHandle(), m.body(), attributes,
                    Integer.parseInt(m.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)),
                    m.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID));
        }
        long mark = log.mark();
        JsonNode response = JSON.readTree(invoker.invoke(event.json()));
        assertThat(response.has("batchItemFailures")).as("the response to an SQS event: %s", response).isTrue();
        List<String> reported = new ArrayList<>();
        response.get("batchItemFailures").forEach(f -> reported.add(f.get("itemIdentifier").asText()));
        List<BrokerLog.Call> calls = log.since(mark);
        Map<String, Result> results = new HashMap<>();
        for (Message m : received) {
            String id = m.messageId();
            if (reported.contains(id)) {
                results.put(id, new Result.Retried(log.reported(spec.uri(), id), nackDelay(calls, id).orElse(null)));
            } else {
                view.delete(url, m);
                long seq = log.settled(spec.uri(), id);
                results.put(id, deadLetterSent(calls, id).<Result>map(r -> new Result.DeadLettered(seq, r))
                        .orElse(new Result.Acked(seq)));
            }
        }
        return batch.stream().map(s -> results.get(s.messageId())).toList();
    }

    @Override
    public void assertRedeliveredAfter(Sent m, Duration delay) {
        for (Message got : view.receive(url)) {
            assertThat(got.messageId()).as("a message retried with a delay of %s is not visible at once", delay)
                    .isNotEqualTo(m.messageId());
            view.release(url, got);
        }
        receive(List.of(m)).forEach(got -> view.release(url, got));
    }

    @Override
    public void assertStillQueued(Sent m) {
        assertThat(view.held(spec.uri())).as("messages SQS holds").isPositive();
    }

    @Override
    public void close() {
        super.close();
        view.close();
    }
}
