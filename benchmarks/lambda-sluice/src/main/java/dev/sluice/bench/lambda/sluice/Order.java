package dev.sluice.bench.lambda.sluice;

/** The event data every benchmark function binds: {@code {"orderId":"o-1","customer":"c-7","amount":42.5,"items":3}}. */
public record Order(String orderId, String customer, double amount, int items) {
}
