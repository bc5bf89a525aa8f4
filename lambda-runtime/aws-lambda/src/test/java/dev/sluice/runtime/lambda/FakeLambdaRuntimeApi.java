package dev.sluice.runtime.lambda;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Lambda Runtime API as far as the Runtime Interface Client uses it, on 127.0.0.1: hands out queued
 * events on {@code invocation/next} and completes a future per invocation with the response (or error).
 */
public final class FakeLambdaRuntimeApi implements AutoCloseable {
    private static final String BASE = "/2018-06-01/runtime/";

    private final HttpServer server;
    private final BlockingQueue<String[]> events = new LinkedBlockingQueue<>();
    private final Map<String, CompletableFuture<Result>> results = new ConcurrentHashMap<>();
    final CompletableFuture<String> initError = new CompletableFuture<>();
    final CompletableFuture<Long> firstNextRequest = new CompletableFuture<>();
    private final AtomicInteger ids = new AtomicInteger();

    /** What the function answered: a response body, or an error body. */
    public record Result(boolean error, String body, long receivedAtNanos) {
    }

    public FakeLambdaRuntimeApi() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext(BASE, this::handle);
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
    }

    public String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** Queues an invocation; the future completes when the function posts its response or error. */
    public CompletableFuture<Result> invoke(String event) {
        String id = "req-" + ids.incrementAndGet();
        CompletableFuture<Result> f = new CompletableFuture<>();
        results.put(id, f);
        events.add(new String[] {id, event});
        return f;
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath().substring(BASE.length());
        byte[] body = ex.getRequestBody().readAllBytes();
        if (path.equals("invocation/next")) {
            firstNextRequest.complete(System.nanoTime());
            String[] next;
            try {
                next = events.poll(5, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (next == null) {
                send(ex, 500, "{}");
                return;
            }
            ex.getResponseHeaders().add("Lambda-Runtime-Aws-Request-Id", next[0]);
            ex.getResponseHeaders().add("Lambda-Runtime-Deadline-Ms", String.valueOf(System.currentTimeMillis() + 60_000));
            ex.getResponseHeaders().add("Lambda-Runtime-Invoked-Function-Arn",
                    "arn:aws:lambda:eu-west-1:123456789012:function:orders-worker");
            ex.getResponseHeaders().add("Lambda-Runtime-Trace-Id", "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=1;Sampled=0");
            ex.getResponseHeaders().add("Content-Type", "application/json");
            send(ex, 200, next[1]);
        } else if (path.equals("init/error")) {
            initError.complete(new String(body, StandardCharsets.UTF_8));
            send(ex, 202, "{\"status\":\"OK\"}");
        } else if (path.startsWith("invocation/")) {
            String[] parts = path.split("/");
            CompletableFuture<Result> f = results.get(parts[1]);
            if (f != null) f.complete(new Result(parts[2].equals("error"), new String(body, StandardCharsets.UTF_8), System.nanoTime()));
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
        server.stop(0);
    }
}
