package dev.sluice.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;

/**
 * A one-invocation Lambda Runtime API on 127.0.0.1, as the Runtime Interface Client uses it: the first
 * {@code invocation/next} gets the event; the {@code response} (or {@code error}, or {@code init/error})
 * completes {@link #result}. Notes when the function first asked for work (its init was done).
 */
final class RuntimeApi implements AutoCloseable {
    private static final String BASE = "/2018-06-01/runtime/";
    private static final String REQUEST_ID = "bench-request-1";

    record Result(String kind, String body, long atNanos) {
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(SqsContenders.daemon("runtime-api"));
    private final String event;
    final CompletableFuture<Long> firstNext = new CompletableFuture<>();
    final CompletableFuture<Result> result = new CompletableFuture<>();
    private final CompletableFuture<Void> never = new CompletableFuture<>();

    RuntimeApi(String event) throws IOException {
        this.event = event;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext(BASE, this::handle);
        server.setExecutor(executor);
        server.start();
    }

    String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        long now = System.nanoTime();
        String path = ex.getRequestURI().getPath().substring(BASE.length());
        byte[] body = ex.getRequestBody().readAllBytes();
        if (path.equals("invocation/next")) {
            if (!firstNext.complete(now)) {
                // the second call waits until the process is killed
                try {
                    never.get();
                } catch (Exception e) {
                    return;
                }
            }
            ex.getResponseHeaders().add("Lambda-Runtime-Aws-Request-Id", REQUEST_ID);
            ex.getResponseHeaders().add("Lambda-Runtime-Deadline-Ms", String.valueOf(System.currentTimeMillis() + 60_000));
            ex.getResponseHeaders().add("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:eu-west-1:123456789012:function:orders");
            ex.getResponseHeaders().add("Lambda-Runtime-Trace-Id", "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=1;Sampled=0");
            ex.getResponseHeaders().add("Content-Type", "application/json");
            send(ex, 200, event);
        } else if (path.equals("init/error")) {
            result.complete(new Result("init error", new String(body, StandardCharsets.UTF_8), now));
            send(ex, 202, "{\"status\":\"OK\"}");
        } else if (path.startsWith("invocation/")) {
            String[] parts = path.split("/");
            result.complete(new Result(parts[parts.length - 1], new String(body, StandardCharsets.UTF_8), now));
            send(ex, 202, "{\"status\":\"OK\"}");
        } else {
            send(ex, 404, "{}");
        }
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        never.complete(null);
        server.stop(0);
        executor.shutdownNow();
    }
}
