package dev.sluice.runtime.cloudrun;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.sluice.pipeline.Pipeline;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /} (and {@code /queues/<name>}): checks the token, reads the body within the size limit,
 * reads the message ({@link RequestReader}), runs it through the queue's pipeline and answers: 204 when it
 * was handled or dead-lettered, 503 with {@code Retry-After} when it must come again, 4xx (with a log line
 * naming the problem) when the request is refused before any handler saw it.
 */
final class PushHandler implements HttpHandler {
    private static final Logger log = LoggerFactory.getLogger(PushHandler.class);

    private final QueueChooser queues;
    private final OidcVerifier verifier;
    private final int maxBodyBytes;
    private final Drain drain;

    PushHandler(QueueChooser queues, OidcVerifier verifier, int maxBodyBytes, Drain drain) {
        this.queues = queues;
        this.verifier = verifier;
        this.maxBodyBytes = maxBodyBytes;
        this.drain = drain;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        if (!drain.enter()) {
            answer(exchange, 503, "shutting down; send it again");
            return;
        }
        try {
            if (!exchange.getRequestMethod().equals("POST")) throw new Rejected(405, "only POST is accepted here");
            Map<String, String> headers = headers(exchange);
            if (verifier != null) verifier.verify(headers.get("authorization"));
            Received received = RequestReader.read(headers, body(exchange, headers));
            Pipeline pipeline = queues.choose(exchange.getRequestURI().getPath(), received.subscription());
            PushSettlement settlement = new PushSettlement();
            pipeline.process(received.message(), settlement);
            settlement.answer(exchange);
        } catch (Rejected r) {
            log.warn("refused {} {} from {}: {} {}", exchange.getRequestMethod(), exchange.getRequestURI(),
                    exchange.getRemoteAddress(), r.status, r.getMessage());
            if (r.status == 401) exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
            answer(exchange, r.status, r.getMessage());
        } catch (RuntimeException e) {
            log.error("request {} failed in the host; the sender will retry it", exchange.getRequestURI(), e);
            answer(exchange, 500, "internal error: " + e);
        } finally {
            drain.exit();
        }
    }

    private byte[] body(HttpExchange exchange, Map<String, String> headers) throws Rejected, IOException {
        String length = headers.get("content-length");
        if (length != null) {
            try {
                if (Long.parseLong(length) > maxBodyBytes) throw tooLarge(length);
            } catch (NumberFormatException e) {
                throw Rejected.badRequest("Content-Length '" + length + "' is not a number");
            }
        }
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes(maxBodyBytes + 1);
            if (body.length > maxBodyBytes) throw tooLarge("more than " + maxBodyBytes);
            return body;
        }
    }

    private Rejected tooLarge(String size) {
        return new Rejected(413, "the body has " + size + " bytes; at most " + maxBodyBytes
                + " are accepted (SLUICE_HTTP_MAX_BODY_BYTES)");
    }

    private static Map<String, String> headers(HttpExchange exchange) {
        Map<String, String> headers = new HashMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> {
            if (!values.isEmpty()) headers.put(name.toLowerCase(Locale.ROOT), values.get(0));
        });
        return headers;
    }

    static void answer(HttpExchange exchange, int status, String text) throws IOException {
        if (text == null) {
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
            return;
        }
        byte[] bytes = (text + "\n").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
