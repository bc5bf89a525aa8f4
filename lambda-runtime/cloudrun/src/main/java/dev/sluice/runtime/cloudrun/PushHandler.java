package dev.sluice.runtime.cloudrun;

import dev.sluice.pipeline.Pipeline;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host's one Jetty handler. {@code GET /healthz} answers 200 (503 once draining). {@code POST /} (and
 * {@code /queues/<name>}): refuses a declared body over the limit before reading any of it, checks the token,
 * reads the body within the limit without holding a thread while it waits for bytes, reads the message
 * ({@link RequestReader}), runs it through the queue's pipeline and answers what the pipeline settled
 * ({@link PushSettlement}): 204 when it was handled or dead-lettered, 503 with {@code Retry-After} when it must
 * come again; 4xx when the request is refused before any handler saw it.
 *
 * <p>Response bodies are generic ({@link Rejected#body}); what was wrong goes to the log, by request id and
 * message id, never the payload or the token.
 */
final class PushHandler extends Handler.Abstract {
    private static final Logger log = LoggerFactory.getLogger(PushHandler.class);

    private final QueueChooser queues;
    private final OidcVerifier verifier;
    private final int maxBodyBytes;
    private final Drain drain;
    private final Executor executor;
    private final AtomicLong requests = new AtomicLong();

    /** @param executor runs a request once its body has arrived (the server's thread pool) */
    PushHandler(QueueChooser queues, OidcVerifier verifier, int maxBodyBytes, Drain drain, Executor executor) {
        super(InvocationType.BLOCKING);
        this.queues = queues;
        this.verifier = verifier;
        this.maxBodyBytes = maxBodyBytes;
        this.drain = drain;
        this.executor = executor;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        if (path.equals("/healthz")) {
            answer(response, callback, drain.draining() ? 503 : 200);
            return true;
        }
        if (!drain.enter()) {
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
            response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
            answer(response, callback, 503);
            return true;
        }
        Exchange x = new Exchange(request, response, exitingDrain(callback), path, requestId(request));
        guarded(x, () -> {
            if (!request.getMethod().equals("POST")) throw new Rejected(405, "only POST is accepted here");
            Map<String, String> headers = headers(request);
            long declared = request.getLength();
            if (declared > maxBodyBytes) throw tooLarge(declared + " bytes declared");
            if (verifier != null) verifier.verify(headers.get("authorization"));
            readBody(x, headers, new ByteArrayOutputStream(declared > 0 ? (int) declared : 1024));
        });
        return true;
    }

    /**
     * Reads what has arrived of the body; when more is to come, asks Jetty to call back when it has and
     * returns, so a sender that stalls mid-body holds no thread (only its connection, until the idle timeout).
     */
    private void readBody(Exchange x, Map<String, String> headers, ByteArrayOutputStream body) {
        guarded(x, () -> {
            while (true) {
                Content.Chunk chunk = x.request.read();
                if (chunk == null) {
                    // the callback may come on a selector thread: the rest runs on the pool
                    x.request.demand(() -> executor.execute(() -> readBody(x, headers, body)));
                    return;
                }
                boolean last = chunk.isLast();
                try {
                    if (Content.Chunk.isFailure(chunk)) {
                        throw Rejected.badRequest("the body could not be read (" + chunk.getFailure().getClass().getSimpleName() + ")");
                    }
                    ByteBuffer bytes = chunk.getByteBuffer();
                    if (body.size() + bytes.remaining() > maxBodyBytes) throw tooLarge("more than " + maxBodyBytes + " bytes sent");
                    byte[] copy = new byte[bytes.remaining()];
                    bytes.get(copy);
                    body.writeBytes(copy);
                } finally {
                    chunk.release();
                }
                if (last) break;
            }
            x.bodyRead = true;
            process(x, headers, body.toByteArray());
        });
    }

    /** One step of a request: a refusal is answered with its status, anything else is the host's failure (500). */
    @FunctionalInterface
    private interface Step {
        void run() throws Rejected;
    }

    private static void guarded(Exchange x, Step step) {
        try {
            step.run();
        } catch (Rejected r) {
            x.refuse(r);
        } catch (RuntimeException e) {
            x.fail(e);
        } catch (Error e) {
            x.done.failed(e);
            throw e;
        }
    }

    private void process(Exchange x, Map<String, String> headers, byte[] body) throws Rejected {
        Received received = RequestReader.read(headers, body);
        x.messageId = received.message().messageId();
        Pipeline pipeline = queues.choose(x.path, received.subscription());
        PushSettlement settlement = new PushSettlement();
        pipeline.process(received.message(), settlement);
        int status = settlement.status();
        if (status == 503) x.response.getHeaders().put(HttpHeader.RETRY_AFTER, String.valueOf(settlement.retryAfterSeconds()));
        log.debug("request {}: message {} ({}) answered {}", x.id, x.messageId, received.format(), status);
        answer(x.response, x.done, status);
    }

    /** One request on its way through the handler. */
    private static final class Exchange {
        final Request request;
        final Response response;
        final Callback done;
        final String path;
        final String id;
        volatile boolean bodyRead;
        volatile String messageId;

        Exchange(Request request, Response response, Callback done, String path, String id) {
            this.id = id;
            this.request = request;
            this.response = response;
            this.done = done;
            this.path = path;
        }

        void refuse(Rejected r) {
            log.warn("request {} refused {} ({} {} from {}{}): {}", id, r.status, request.getMethod(), path,
                    Request.getRemoteAddr(request), messageId == null ? "" : ", message " + messageId, r.getMessage());
            if (r.status == 401) response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer");
            // the body may be unread (413, 401, ...): do not keep a connection whose next bytes are that body's
            if (!bodyRead) response.getHeaders().put(HttpHeader.CONNECTION, "close");
            answer(response, done, r.status);
        }

        void fail(RuntimeException e) {
            log.error("request {}{} failed in the host; the sender will retry it", id,
                    messageId == null ? "" : " (message " + messageId + ")", e);
            if (!bodyRead) response.getHeaders().put(HttpHeader.CONNECTION, "close");
            answer(response, done, 500);
        }
    }

    /** {@code callback}, leaving the drain once the answer is written (or failed). */
    private Callback exitingDrain(Callback callback) {
        return new Callback() {
            @Override
            public void succeeded() {
                try {
                    callback.succeeded();
                } finally {
                    drain.exit();
                }
            }

            @Override
            public void failed(Throwable x) {
                try {
                    callback.failed(x);
                } finally {
                    drain.exit();
                }
            }

            @Override
            public InvocationType getInvocationType() {
                return callback.getInvocationType();
            }
        };
    }

    private Rejected tooLarge(String size) {
        return new Rejected(413, "the body is too large (" + size + "; at most " + maxBodyBytes
                + " accepted, SLUICE_HTTP_MAX_BODY_BYTES)");
    }

    /** For logs: a number of this server's, and Cloud Run's trace id when the request has one. */
    private String requestId(Request request) {
        long n = requests.incrementAndGet();
        String trace = request.getHeaders().get("x-cloud-trace-context");
        if (trace == null) return String.valueOf(n);
        int end = Math.min(trace.indexOf('/') < 0 ? trace.length() : trace.indexOf('/'), 64);
        return n + " (trace " + trace.substring(0, end) + ")";
    }

    /** The request headers, names in lower case, the first value of each. */
    private static Map<String, String> headers(Request request) {
        Map<String, String> headers = new HashMap<>();
        for (HttpField f : request.getHeaders()) {
            headers.putIfAbsent(f.getLowerCaseName(), f.getValue());
        }
        return headers;
    }

    /** Answers {@code status} with its generic text body (none for 204). */
    static void answer(Response response, Callback callback, int status) {
        try {
            write(response, callback, status);
        } catch (RuntimeException e) {
            callback.failed(e);
        }
    }

    private static void write(Response response, Callback callback, int status) {
        response.setStatus(status);
        if (status == 204) {
            callback.succeeded();
            return;
        }
        byte[] text = (Rejected.body(status) + "\n").getBytes(StandardCharsets.UTF_8);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, text.length);
        response.write(true, ByteBuffer.wrap(text), callback);
    }
}
