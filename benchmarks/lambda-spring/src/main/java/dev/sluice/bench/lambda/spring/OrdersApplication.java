package dev.sluice.bench.lambda.spring;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * The same work as a Spring Cloud Function bean, run by
 * {@code org.springframework.cloud.function.adapter.aws.FunctionInvoker::handleRequest}.
 */
@SpringBootApplication
public class OrdersApplication {
    private static final ObjectMapper JSON = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    static final LongAdder HANDLED = new LongAdder();

    /** The event data. */
    public record Order(String orderId, String customer, double amount, int items) {
    }

    public static void main(String[] args) {
        SpringApplication.run(OrdersApplication.class, args);
    }

    @Bean
    public Function<SQSEvent, SQSBatchResponse> orders() {
        return event -> {
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
        };
    }
}
