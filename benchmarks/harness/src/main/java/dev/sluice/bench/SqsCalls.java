package dev.sluice.bench;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;

/**
 * Counts a contender's SQS calls by operation, and the messages its receives returned: the broker's work
 * per message, which does not depend on how busy the machine is. An SDK interceptor on the contender's client.
 */
final class SqsCalls implements ExecutionInterceptor {
    /** The counter of the run under way (one run at a time). */
    static volatile SqsCalls current = new SqsCalls();

    final Map<String, LongAdder> calls = new ConcurrentHashMap<>();
    final LongAdder received = new LongAdder();
    final LongAdder emptyReceives = new LongAdder();

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        String op = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        calls.computeIfAbsent(op == null ? "?" : op, k -> new LongAdder()).increment();
        if (context.response() instanceof ReceiveMessageResponse r) {
            received.add(r.messages().size());
            if (r.messages().isEmpty()) emptyReceives.increment();
        }
    }

    /** The interceptor to add to a client: forwards to {@link #current}. */
    static ExecutionInterceptor forwarding() {
        return new ExecutionInterceptor() {
            @Override
            public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
                current.afterExecution(context, attributes);
            }
        };
    }

    long count(String op) {
        LongAdder a = calls.get(op);
        return a == null ? 0 : a.sum();
    }

    Map<String, Long> snapshot() {
        Map<String, Long> m = new TreeMap<>();
        calls.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }
}
