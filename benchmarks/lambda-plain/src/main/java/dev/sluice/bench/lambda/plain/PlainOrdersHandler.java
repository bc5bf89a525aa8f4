package dev.sluice.bench.lambda.plain;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * The baseline a team writes without a framework: reads the CloudEvent type from the {@code ce-type}
 * message attribute, binds the JSON body with Jackson, does the same work as the Sluice handler, and reports
 * the failed records.
 */
public final class PlainOrdersHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
    private static final ObjectMapper JSON = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    static final LongAdder HANDLED = new LongAdder();

    /** The event data. */
    public record Order(String orderId, String customer, double amount, int items) {
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        for (SQSEvent.SQSMessage m : event.getRecords()) {
            try {
                SQSEvent.MessageAttribute type = m.getMessageAttributes().get("ce-type");
                if (type == null || !"order.placed".equals(type.getStringValue())) {
                    throw new IllegalArgumentException("unknown event type");
                }
                Order order = JSON.readValue(m.getBody(), Order.class);
                if (order.orderId() == null || order.amount() <= 0 || order.items() <= 0) {
                    throw new IllegalArgumentException("invalid order " + order);
                }
                HANDLED.increment();
            } catch (Exception e) {
                failures.add(new SQSBatchResponse.BatchItemFailure(m.getMessageId()));
            }
        }
        return new SQSBatchResponse(failures);
    }
}
